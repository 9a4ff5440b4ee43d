import { execFileSync } from 'node:child_process';
import { backboneUploads } from '../../../infra/local/backbone-uploads';
import { ensureBackbones } from '../../../infra/local/ensure-backbones';
import { IMAGE_MOBILENETV2 } from '../../../trainer/backbones/image-mobilenet-v2';
import { TEXT_GLOVE_SIF } from '../../../trainer/backbones/text-glove-sif';
import { buildWorkerBundle, startWorker, TEST_ADMIN_TOKEN, type BuildOptions, type WorkerHarness } from '../../helpers/worker-harness';
import { rssOf } from '../serve/bench-edge';
import { freePort, isolateHeap } from '../serve/isolate-heap';
import { HttpSender } from './http-send';
import { multipartBody } from './multipart-body';

/** What /healthz says of the isolate. */
interface Health {
  adapters_cached: number;
  adapter_cache_bytes: number;
  adapter_cache_hits?: number;
  adapter_cache_misses?: number;
  ort_heap_bytes?: number;
}

/** The isolate's memory at one moment: V8's heap after a forced GC, ORT's wasm heap, workerd's RSS. */
export interface MemorySample {
  t_s: number;
  js_heap_bytes?: number;
  array_buffer_bytes?: number;
  ort_heap_bytes?: number;
  workerd_rss_bytes?: number;
  adapters_cached: number;
  adapter_cache_bytes: number;
  /** hits + misses of the adapter cache: drops only if the isolate was started afresh. */
  cache_lookups: number;
}

export interface Tenant {
  name: string;
  http: HttpSender;
  upload(name: string, manifest: unknown, model: Uint8Array, query?: string): Promise<Response>;
}

export interface HostileEdge {
  worker: WorkerHarness;
  origin: string;
  tenant(name: string): Promise<Tenant>;
  memory(t0?: number): Promise<MemorySample>;
  /** Whether the workerd process that started is still running. */
  alive(): boolean;
  stop(): Promise<void>;
}

/** The workerd process miniflare started (a child of this process). */
function workerdPids(): Set<number> {
  const out = execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(process.pid)], { encoding: 'utf8' });
  return new Set(out.split('\n').map((l) => l.trim().split(/\s+/)).flatMap(([pid, comm]) => (comm?.startsWith('workerd') ? [Number(pid)] : [])));
}

/**
 * The worker on workerd with both real backbones (GloVe-SIF, MobileNetV2) in its R2, on a direct
 * loopback socket with the V8 inspector open. Rate limits are lifted for this benchmark's worker
 * only (every binding the config declares, whatever their number): the bench measures what one
 * isolate withstands, and a 600-a-minute limit would answer most of it with 429.
 */
export async function startHostileEdge(build: BuildOptions = {}): Promise<HostileEdge> {
  await ensureBackbones((line) => process.stderr.write(`${line}\n`), [TEXT_GLOVE_SIF, IMAGE_MOBILENETV2]);
  const { ratelimits } = await buildWorkerBundle(build);
  const unlimited = Object.fromEntries(Object.entries(ratelimits).map(([name, r]) => [name, { simple: { ...r.simple, limit: 1_000_000_000 } }]));
  const inspectorPort = await freePort();
  const before = workerdPids();
  const worker = await startWorker({ ...build, miniflare: { ratelimits: unlimited, unsafeDirectSockets: [{ host: '127.0.0.1', port: 0 }], inspectorPort } });
  const pid = [...workerdPids()].find((p) => !before.has(p));
  for (const object of await backboneUploads([TEXT_GLOVE_SIF, IMAGE_MOBILENETV2])) await worker.r2Put(object.key, object.body);
  const origin = (await worker.mf.unsafeGetDirectURL()).toString().replace(/\/$/, '');
  const admin = new HttpSender(origin, { authorization: `Bearer ${TEST_ADMIN_TOKEN}` }, 2);
  const adminPost = async (path: string, body: unknown) => {
    const sent = await admin.send('POST', path, new TextEncoder().encode(JSON.stringify(body)), 'application/json');
    if ('error' in sent || sent.response.status !== 201) throw new Error(`POST ${path}: ${'error' in sent ? sent.error : `${sent.response.status} ${await sent.response.text()}`}`);
    return (await sent.response.json()) as Record<string, unknown>;
  };
  const senders: HttpSender[] = [admin];
  const health = new HttpSender(origin, {}, 1);
  senders.push(health);
  return {
    worker,
    origin,
    async tenant(name) {
      await adminPost('/v1/admin/tenants', { name });
      const { key } = (await adminPost(`/v1/admin/tenants/${name}/keys`, { label: 'hostile-bench' })) as { key: string };
      const http = new HttpSender(origin, { authorization: `Bearer ${key}` }, 32);
      senders.push(http);
      return {
        name,
        http,
        async upload(adapter, manifest, model, query = '') {
          const { body, type } = multipartBody([
            { name: 'manifest', data: JSON.stringify(manifest), type: 'application/json' },
            { name: 'model', data: model, filename: 'adapter.onnx', type: 'application/octet-stream' },
          ]);
          const sent = await http.send('PUT', `/v1/adapters/${adapter}${query}`, body, type);
          if ('error' in sent) throw new Error(`upload ${adapter}: ${sent.error}`);
          return sent.response;
        },
      };
    },
    async memory(t0 = performance.now()) {
      const sent = await health.send('GET', '/healthz');
      if ('error' in sent) throw new Error(`/healthz: ${sent.error}`);
      const h = (await sent.response.json()) as Health;
      const heap = await isolateHeap(inspectorPort).catch(() => undefined);
      return {
        t_s: +((performance.now() - t0) / 1000).toFixed(1),
        js_heap_bytes: heap?.used_bytes,
        array_buffer_bytes: heap?.array_buffer_bytes,
        ort_heap_bytes: h.ort_heap_bytes,
        workerd_rss_bytes: pid ? rssOf(pid) : undefined,
        adapters_cached: h.adapters_cached,
        adapter_cache_bytes: h.adapter_cache_bytes,
        cache_lookups: (h.adapter_cache_hits ?? 0) + (h.adapter_cache_misses ?? 0),
      };
    },
    alive: () => pid !== undefined && rssOf(pid) !== undefined,
    async stop() {
      for (const s of senders) s.close();
      await worker.stop();
    },
  };
}
