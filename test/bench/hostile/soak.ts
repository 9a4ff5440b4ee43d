import { linearHead } from '../../helpers/worker-fixtures';
import { sampleTexts } from '../serve/bench-models';
import { summary } from '../serve/http-client';
import { answerOf } from './answer';
import type { BenchSeeds } from './bench-seeds';
import { fuzzCase } from './fuzz-cases';
import { fuzzSeeds } from './fuzz-seeds';
import type { HostileEdge, MemorySample, Tenant } from './hostile-edge';
import { memorySeries, slopePerMinute } from './memory-series';
import { multipartBody } from './multipart-body';
import { SeededRandom } from './seeded-random';

const TENANTS = 4;
/** Requests in flight at most; a tick that finds this many waiting is counted as skipped, not queued. */
const MAX_IN_FLIGHT = 64;
const OPS = { 'predict text': 50, 'predict images': 14, 'predict several adapters': 8, upload: 5, activate: 5, 'bad request': 18 } as const;
type Op = keyof typeof OPS;

interface SoakTenant {
  tenant: Tenant;
  text: string[];
  image: string;
  /** Latest version of each adapter, for activations. */
  versions: Map<string, number>;
}

export interface Soak {
  seconds: number;
  rate_per_s: number;
  requests: number;
  skipped: number;
  codes: Record<string, number>;
  by_op: Record<string, { requests: number; codes: Record<string, number>; p50_ms: number; p99_ms: number }>;
  /** 5xx, answers that are not problem+json with a code, and failed connections. */
  violations: { op: string; status?: number; why: string; excerpt: string }[];
  memory_series: MemorySample[];
  /** Least-squares slope of each figure over the second half of the run, bytes a minute. */
  slope_second_half_per_min: Record<'js_heap' | 'array_buffers' | 'ort_heap' | 'workerd_rss' | 'adapter_cache', number | undefined>;
}

/**
 * Mixed traffic at a fixed rate (open loop: one request every 1/rate s whatever the answers) from
 * several tenants — text and image predicts, multi-adapter predicts, uploads of new versions,
 * activations back and forth, and the fuzzer's bad requests — with the isolate's memory every
 * ~10 s. Bounded: it stops after `seconds` and waits for the requests in flight.
 */
export async function soak(edge: HostileEdge, bench: BenchSeeds, options: { seconds: number; rate: number; seed: number; log: (line: string) => void }): Promise<Soak> {
  const byLabel = (label: string) => bench.adapters.find((a) => a.label === label)!;
  const tenants: SoakTenant[] = [];
  for (let t = 0; t < TENANTS; t++) {
    const tenant = await edge.tenant(`soak-${t}`);
    const image = t % 2 ? byLabel('mobilenet-linear') : byLabel('pixels');
    const set = [['spam', byLabel('graft-train-hybrid')], ['topic', byLabel('linear')], ['gemm', byLabel('ort-gemm')], ['pics', image]] as const;
    for (const [name, seed] of set) {
      const res = await tenant.upload(name, { ...seed.manifest, name }, seed.model);
      if (res.status !== 201) throw new Error(`soak upload ${name}: ${res.status} ${await res.text()}`);
    }
    tenants.push({ tenant, text: ['spam', 'topic', 'gemm'], image: 'pics', versions: new Map(set.map(([name]) => [name, 1])) });
  }
  const texts = sampleTexts(256);
  const seeds = fuzzSeeds(bench.adapters, bench.images, ['pics']);
  const fuzzer = tenants[0]!;
  const json = (value: unknown) => ({ body: new TextEncoder().encode(JSON.stringify(value)), type: 'application/json' });
  const report: Soak = { seconds: options.seconds, rate_per_s: options.rate, requests: 0, skipped: 0, codes: {}, by_op: {}, violations: [], memory_series: [], slope_second_half_per_min: { js_heap: undefined, array_buffers: undefined, ort_heap: undefined, workerd_rss: undefined, adapter_cache: undefined } };
  const times: Record<string, number[]> = {};

  const send = async (op: Op, tenant: Tenant, method: string, path: string, body?: { body: Uint8Array; type: string }) => {
    report.requests++;
    const sent = await tenant.http.send(method, path, body?.body, body?.type);
    const stats = (report.by_op[op] ??= { requests: 0, codes: {}, p50_ms: 0, p99_ms: 0 });
    stats.requests++;
    if ('error' in sent) {
      report.violations.push({ op, why: `connection: ${sent.error}`, excerpt: '' });
      return undefined;
    }
    const answer = await answerOf(sent.response);
    stats.codes[answer.code] = (stats.codes[answer.code] ?? 0) + 1;
    report.codes[answer.code] = (report.codes[answer.code] ?? 0) + 1;
    (times[op] ??= []).push(sent.ms);
    if (answer.broken) report.violations.push({ op, status: answer.status, why: answer.broken, excerpt: answer.excerpt });
    return answer;
  };

  /** Request `i` of the schedule: a function of (seed, i) alone, as the fuzzer's cases are. */
  const request = async (i: number) => {
    const random = SeededRandom.forCase(options.seed, i);
    const op = random.weighted(OPS);
    const t = random.pick(tenants);
    if (op === 'predict text') {
      const inputs = Array.from({ length: random.pick([1, 1, 2, 8]) }, () => random.pick(texts));
      return send(op, t.tenant, 'POST', `/v1/adapters/${random.pick(t.text)}/predict`, json({ inputs, top_k: 2 }));
    }
    if (op === 'predict images') {
      const parts = Array.from({ length: random.int(1, 2) }, (_, k) => ({ name: 'image', data: random.pick(bench.images).bytes, filename: `i${k}` }));
      return send(op, t.tenant, 'POST', `/v1/adapters/${t.image}/predict`, multipartBody(parts));
    }
    if (op === 'predict several adapters') return send(op, t.tenant, 'POST', '/v1/predict', json({ adapters: t.text, inputs: [random.pick(texts)] }));
    if (op === 'upload') {
      // A new version of the Gemm head with other weights: a real retrain, a new blob, a cache miss.
      const name = 'gemm';
      const seed = byLabel('ort-gemm');
      const model = linearHead(bench.text.dim, 2, 1000 + i);
      const answer = await send(op, t.tenant, 'PUT', `/v1/adapters/${name}${random.chance(0.3) ? '?activate=false' : ''}`, multipartBody([
        { name: 'manifest', data: JSON.stringify({ ...seed.manifest, name }) },
        { name: 'model', data: model, filename: 'adapter.onnx' },
      ]));
      if (answer?.status === 201) t.versions.set(name, Math.max(t.versions.get(name) ?? 1, (JSON.parse(answer.excerpt) as { version: number }).version));
      return answer;
    }
    if (op === 'activate') {
      const name = 'gemm';
      return send(op, t.tenant, 'POST', `/v1/adapters/${name}/activate`, json({ version: random.int(1, t.versions.get(name) ?? 1) }));
    }
    const c = fuzzCase(seeds, options.seed, i);
    const answer = await send(op, fuzzer.tenant, c.request.method, c.request.path, c.request);
    if (answer?.status === 201 && c.followUp) await send(op, fuzzer.tenant, 'DELETE', `/v1/adapters/${c.followUp.adapter}`);
    return answer;
  };

  const t0 = performance.now();
  const series = memorySeries(edge, 10_000, t0);
  const total = Math.round(options.seconds * options.rate);
  const inFlight = new Set<Promise<unknown>>();
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / options.rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    if (inFlight.size >= MAX_IN_FLIGHT) {
      report.skipped++;
      continue;
    }
    const p: Promise<unknown> = request(i).finally(() => inFlight.delete(p));
    inFlight.add(p);
    if ((i + 1) % (options.rate * 60) === 0) options.log(`  soak: ${Math.round((performance.now() - t0) / 1000)} s, ${report.requests} requests, ${report.violations.length} violations`);
  }
  await Promise.all(inFlight);
  report.memory_series = await series.stop();
  report.by_op = Object.fromEntries(
    Object.entries(report.by_op).map(([op, s]) => {
      const { p50_ms, p99_ms } = summary(times[op] ?? [0]);
      return [op, { ...s, p50_ms, p99_ms }];
    }),
  );
  const secondHalf = report.memory_series.filter((s) => s.t_s >= options.seconds / 2);
  report.slope_second_half_per_min = {
    js_heap: slopePerMinute(secondHalf, (s) => s.js_heap_bytes),
    array_buffers: slopePerMinute(secondHalf, (s) => s.array_buffer_bytes),
    ort_heap: slopePerMinute(secondHalf, (s) => s.ort_heap_bytes),
    workerd_rss: slopePerMinute(secondHalf, (s) => s.workerd_rss_bytes),
    adapter_cache: slopePerMinute(secondHalf, (s) => s.adapter_cache_bytes),
  };
  return report;
}
