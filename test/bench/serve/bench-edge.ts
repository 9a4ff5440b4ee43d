import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { TextPreprocess } from '../../../core/backbones/text-bag-of-ids/text-bag-of-ids-routine';
import { readBackbone } from '../../../trainer/backbones/load-backbone';
import { backboneObjects } from '../../../core/storage/backbone-objects';
import { startWorker, TEST_ADMIN_TOKEN, type BuildOptions, type WorkerHarness } from '../../helpers/worker-harness';
import { multipart, uploadForm } from '../../helpers/worker-fixtures';
import { freePort, isolateHeap, type IsolateHeap } from './isolate-heap';

export const BACKBONE_ID = 'text-glove-sif';

/** The production limit (600/60 s per tenant) would throttle a load test within a second; this
 * override reaches the benchmark's miniflare only, never wrangler.jsonc. */
const BENCH_RATE_LIMIT = { RATE_LIMITER: { simple: { limit: 1_000_000_000, period: 60 } } };

export interface Edge {
  worker: WorkerHarness;
  /** The worker's own loopback HTTP socket in workerd. */
  origin: string;
  /** The same worker behind miniflare's entry worker, as `wrangler dev` serves it. */
  entryOrigin: string;
  apiKey: string;
  upload(name: string, manifest: unknown, model: Uint8Array): Promise<Response>;
  health(): Promise<Health>;
  rss(): number | undefined;
  /** The user worker's live V8 heap after a forced GC, through the inspector. */
  heap(): Promise<IsolateHeap | undefined>;
  stop(): Promise<void>;
}

export interface Health {
  runtime_loaded: boolean;
  adapters_cached: number;
  adapter_cache_bytes: number;
  /** Absent from workers older than the bench (the committed baseline). */
  adapter_cache_hits?: number;
  adapter_cache_misses?: number;
  ort_heap_bytes?: number;
}

/** The worker bundle under workerd (miniflare, local D1/R2) with the real GloVe backbone seeded. */
export async function startEdge(bindings: Record<string, string> = {}, build: BuildOptions = {}): Promise<Edge> {
  // A direct socket into the worker, as the Workers edge has: miniflare's own entry worker (dev
  // conveniences, one more hop) stays reachable at `worker.url` for comparison.
  // The inspector lets the bench read the isolate's heap (and a person profile a run by hand).
  const inspectorPort = await freePort();
  const worker = await startWorker({ ...build, bindings, miniflare: { ratelimits: BENCH_RATE_LIMIT, unsafeDirectSockets: [{ host: '127.0.0.1', port: 0 }], inspectorPort } });
  const backbone = await readBackbone(BACKBONE_ID);
  const preprocess = TextPreprocess.safeParse(backbone.manifest.preprocess);
  if (!preprocess.success) throw new Error(`${BACKBONE_ID} is not a text backbone`);
  const vocabularyPath = preprocess.data.vocabulary;
  const vocab = backbone.assets.get(vocabularyPath)!;
  for (const o of backboneObjects(backbone.manifest, backbone.model, { [vocabularyPath]: vocab })) await worker.r2Put(o.key, o.body);
  const origin = (await worker.mf.unsafeGetDirectURL()).toString().replace(/\/$/, '');
  const entryOrigin = worker.url.replace(/\/$/, '');
  const admin = (path: string, body: unknown) =>
    fetch(origin + path, { method: 'POST', headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const tenant = await admin('/v1/admin/tenants', { name: 'bench' });
  if (tenant.status !== 201) throw new Error(`tenant: ${tenant.status} ${await tenant.text()}`);
  const key = (await (await admin('/v1/admin/tenants/bench/keys', { label: 'bench' })).json()) as { key: string };
  const pid = workerdPid();
  return {
    worker,
    origin,
    entryOrigin,
    apiKey: key.key,
    async upload(name, manifest, model) {
      const { body, headers } = await multipart(uploadForm(manifest, model));
      return fetch(`${origin}/v1/adapters/${name}`, { method: 'PUT', body, headers: { ...headers, authorization: `Bearer ${key.key}` } });
    },
    health: async () => (await (await fetch(`${origin}/healthz`)).json()) as Health,
    rss: () => (pid ? rssOf(pid) : undefined),
    heap: () => isolateHeap(inspectorPort).catch(() => undefined),
    stop: () => worker.stop(),
  };
}

/** The bare handler of floor-worker.ts under workerd, on a direct socket as the worker is. */
export async function startFloorWorker(): Promise<{ origin: string; stop(): Promise<void> }> {
  const worker = await startWorker({ entry: 'test/bench/serve/floor-worker.ts', skipMigrations: true, miniflare: { unsafeDirectSockets: [{ host: '127.0.0.1', port: 0 }] } });
  return { origin: (await worker.mf.unsafeGetDirectURL()).toString().replace(/\/$/, ''), stop: () => worker.stop() };
}

/** The workerd process miniflare started (a child of this process). */
function workerdPid(): number | undefined {
  const out = execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(process.pid)], { encoding: 'utf8' });
  const pid = out.split('\n').map((l) => l.trim().split(/\s+/)).find(([, comm]) => comm?.startsWith('workerd'))?.[0];
  return pid ? Number(pid) : undefined;
}

export function rssOf(pid: number): number | undefined {
  try {
    return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) * 1024;
  } catch {
    return undefined;
  }
}
