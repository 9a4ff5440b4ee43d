import type { Edge } from './bench-edge';
import type { Adapter } from './bench-models';
import { HttpClient, summary, uploadBody } from './http-client';

const PARALLEL = 8;
const TEXT = JSON.stringify({ inputs: ['Congratulations, you won a free cruise'] });

async function inParallel(count: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: PARALLEL }, async () => {
    for (let i = next++; i < count; i = next++) await task(i);
  }));
}

/** Zipf(1) ranks over `n` items, seeded: a few tenants' heads are hot, most are rarely asked. */
function zipfSequence(n: number, length: number, seed = 7): number[] {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) cdf[i] = sum += 1 / (i + 1);
  let s = seed;
  const random = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
  return Array.from({ length }, () => {
    const u = random() * sum;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  });
}

/**
 * Uploads `count` distinct heads through the real PUT route (memory sampled as the cache fills),
 * then predicts every one once in order (the cache's worst case) and `count` more in Zipf order.
 */
export async function manyAdapters(edge: Edge, make: (i: number) => Adapter, count: number, log: (line: string) => void) {
  const client = new HttpClient(edge.origin, { authorization: `Bearer ${edge.apiKey}` });
  const memory: { uploaded: number; adapters_cached: number; adapter_cache_bytes: number; js_heap_bytes?: number; array_buffer_bytes?: number; workerd_rss_bytes?: number; ort_heap_bytes?: number }[] = [];
  const sample = async (uploaded: number) => {
    const h = await edge.health();
    const heap = await edge.heap();
    memory.push({ uploaded, adapters_cached: h.adapters_cached, adapter_cache_bytes: h.adapter_cache_bytes, js_heap_bytes: heap?.used_bytes, array_buffer_bytes: heap?.array_buffer_bytes, workerd_rss_bytes: edge.rss(), ort_heap_bytes: h.ort_heap_bytes });
  };
  await sample(0);
  const started = performance.now();
  let errors = 0;
  await inParallel(count, async (i) => {
    const { manifest, model } = make(i);
    const { body, type } = uploadBody(manifest, model);
    const put = await client.send('PUT', `/v1/adapters/${manifest.name}`, body, type);
    if (put.status !== 201) errors++;
    if ((i + 1) % 1000 === 0) {
      await sample(i + 1);
      log(`  uploaded ${i + 1} (${((performance.now() - started) / 1000).toFixed(0)} s)`);
    }
  });
  const uploadSeconds = (performance.now() - started) / 1000;
  const pass = async (order: readonly number[]) => {
    const before = await edge.health();
    const times: number[] = [];
    await inParallel(order.length, async (k) => {
      const res = await client.send('POST', `/v1/adapters/${make(order[k]!).manifest.name}/predict`, TEXT);
      if (res.status !== 200) errors++;
      else times.push(res.ms);
    });
    const after = await edge.health();
    const hits = (after.adapter_cache_hits ?? 0) - (before.adapter_cache_hits ?? 0);
    const misses = (after.adapter_cache_misses ?? 0) - (before.adapter_cache_misses ?? 0);
    const heap = await edge.heap();
    return { ...summary(times), hit_rate: +(hits / Math.max(1, hits + misses)).toFixed(3), js_heap_bytes: heap?.used_bytes, array_buffer_bytes: heap?.array_buffer_bytes, workerd_rss_bytes: edge.rss(), ort_heap_bytes: after.ort_heap_bytes, adapters_cached: after.adapters_cached, adapter_cache_bytes: after.adapter_cache_bytes };
  };
  const inOrder = await pass(Array.from({ length: count }, (_, i) => i));
  const zipf = await pass(zipfSequence(count, count));
  client.close();
  return { adapters: count, parallel: PARALLEL, model_bytes: make(0).model.length, upload_seconds: +uploadSeconds.toFixed(1), errors, memory, every_adapter_once_in_order: inOrder, zipf_requests: zipf };
}
