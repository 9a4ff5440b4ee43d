import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backboneBlock, linearHead, manifestFor, startGraft, type Client, type Graft } from '../helpers/worker-fixtures';

const BUDGET = 400_000;

describe('adapter session cache bounded by bytes', () => {
  let graft: Graft;
  let acme: Client;

  beforeAll(async () => {
    graft = await startGraft({ bindings: { ADAPTER_CACHE_BYTES: String(BUDGET) } });
    acme = graft.client(await graft.createTenant('acme'));
  });
  afterAll(() => graft?.stop());

  it('evicts least recently used sessions past the budget and reloads them from R2 on demand', async () => {
    const answers = new Map<string, unknown>();
    for (let i = 0; i < 10; i++) {
      const name = `head-${i}`;
      const manifest = manifestFor(name, ['a', 'b', 'c'], [backboneBlock(graft.backbone), { source: 'hashed-ngrams', dim: 4096, ngrams: [1, 2] }]);
      expect((await acme.upload(name, manifest, linearHead(16 + 4096, 3, i))).status).toBe(201);
      answers.set(name, ((await (await acme.predict(name, { inputs: ['free money', 'w77 w88'], top_k: 3 })).json()) as { predictions: unknown }).predictions);
    }
    const health = (await (await graft.worker.fetch('/healthz')).json()) as { adapters_cached: number; adapter_cache_bytes: number };
    expect(health.adapter_cache_bytes).toBeLessThanOrEqual(BUDGET);
    expect(health.adapters_cached).toBeLessThan(10);
    const reloads: number[] = [];
    for (const [name, predictions] of answers) {
      const start = performance.now();
      const res = await acme.predict(name, { inputs: ['free money', 'w77 w88'], top_k: 3 });
      reloads.push(performance.now() - start);
      expect(((await res.json()) as { predictions: unknown }).predictions).toEqual(predictions);
    }
    reloads.sort((a, b) => a - b);
    console.log(JSON.stringify({ note: '4112→3 head (~48 KiB ONNX), evicted and reloaded from R2 over HTTP', reloadPredictP50Ms: +reloads[5]!.toFixed(2) }));
  });
});

/** RSS of the workerd process miniflare started for this test file (Linux only). */
function workerdRss(): number | undefined {
  try {
    const out = execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(process.pid)], { encoding: 'utf8' });
    const pid = out.split('\n').map((l) => l.trim().split(/\s+/)).find(([, comm]) => comm?.startsWith('workerd'))?.[0];
    if (!pid) return undefined;
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]) * 1024;
  } catch {
    return undefined;
  }
}

describe('memory per cached adapter (printed, not asserted)', () => {
  /** Uploads `count` distinct heads into a fresh worker and returns its RSS growth. */
  async function rssGrowth(cacheBytes: number, hashedDim: number, count: number): Promise<{ growth?: number; cached: number; estimated: number; onnxBytes: number }> {
    const graft = await startGraft({ bindings: { ADAPTER_CACHE_BYTES: String(cacheBytes) } });
    try {
      const acme = graft.client(await graft.createTenant('acme'));
      const make = (i: number) => {
        const blocks = [backboneBlock(graft.backbone), ...(hashedDim ? [{ source: 'hashed-ngrams' as const, dim: hashedDim, ngrams: [1] }] : [])];
        return { manifest: manifestFor(`m-${i}`, ['a', 'b', 'c'], blocks), model: linearHead(16 + hashedDim, 3, 1000 + i) };
      };
      const first = make(0);
      await acme.upload(first.manifest.name, first.manifest, first.model);
      const before = workerdRss();
      for (let i = 1; i <= count; i++) {
        const { manifest, model } = make(i);
        expect((await acme.upload(manifest.name, manifest, model)).status).toBe(201);
      }
      const after = workerdRss();
      const health = (await (await graft.worker.fetch('/healthz')).json()) as { adapters_cached: number; adapter_cache_bytes: number };
      return {
        growth: before && after ? after - before : undefined,
        cached: health.adapters_cached,
        estimated: Math.round(health.adapter_cache_bytes / health.adapters_cached),
        onnxBytes: first.model.length,
      };
    } finally {
      await graft.stop();
    }
  }

  it('compares RSS growth with every session kept against a cache that keeps only one', async () => {
    const report: Record<string, unknown> = { note: '(RSS growth, all kept − RSS growth, one kept) / adapters; same uploads in both, so upload garbage cancels out' };
    for (const [label, hashedDim, count] of [['16→3 head', 0, 80], ['4112→3 head', 4096, 50]] as const) {
      const kept = await rssGrowth(96 * 1024 * 1024, hashedDim, count);
      const control = await rssGrowth(1, hashedDim, count);
      report[label] = {
        onnxBytes: kept.onnxBytes,
        cached: [kept.cached, control.cached],
        estimatedCostPerAdapter: kept.estimated,
        measuredRssPerAdapter: kept.growth !== undefined && control.growth !== undefined ? Math.round((kept.growth - control.growth) / (kept.cached - control.cached)) : 'unavailable',
      };
    }
    console.log(JSON.stringify(report));
  }, 300_000);
});
