import type { Health } from './bench-edge';
import type { coldLoad, uploadToFirstPrediction } from './cold-load';
import type { costCurves } from './cost-curves';
import type { Comparison } from './http-comparison';
import type { inProcess } from './in-process';
import type { manyAdapters } from './many-adapters';

export interface ServeResults {
  machine: { cpu: string; cores: number; memoryGiB: number; node: string; date: string; workerd: string };
  quick: boolean;
  seconds_per_load_point: number;
  request_texts: number;
  mean_chars: number;
  in_process: Awaited<ReturnType<typeof inProcess>>;
  http: Record<string, unknown>;
  cost_curves: { workerd: Awaited<ReturnType<typeof costCurves>>; reference: Awaited<ReturnType<typeof costCurves>> };
  resident: { workerd_bytes?: number; reference_bytes?: number; health?: Health };
  upload_to_first_prediction: { hybrid: Awaited<ReturnType<typeof uploadToFirstPrediction>> };
  cold_load: { linear_100d: Awaited<ReturnType<typeof coldLoad>>; hybrid: Awaited<ReturnType<typeof coldLoad>> };
  many_adapters: Awaited<ReturnType<typeof manyAdapters>>;
  before?: Record<string, unknown>;
  seconds: number;
}

const mb = (bytes?: number) => (bytes === undefined ? 'n/a' : `${(bytes / 2 ** 20).toFixed(1)} MiB`);
/** The total, unless a part was not measured. */
const sum = (...parts: (number | undefined)[]) => (parts.some((p) => p === undefined) ? undefined : parts.reduce<number>((a, b) => a + b!, 0));
const ok = (pass: boolean) => (pass ? 'met' : '**missed**');
const timing = (t: { p50_ms: number; p99_ms: number }) => `${t.p50_ms} / ${t.p99_ms}`;
/** What /healthz said about ONNX Runtime after the warm HTTP runs (absent in runs before it said). */
const ortState = (h?: Health) => (h ? `${h.runtime_loaded ? 'loaded' : 'never loaded'}, wasm heap ${mb(h.ort_heap_bytes ?? 0)}` : 'n/a');

function httpTable(rows: readonly Comparison[]): string {
  return [
    '| request | clients | reference p50 / p99 ms | reference req/s | workerd p50 / p99 ms | workerd req/s | p50 ratio (≤ 1.5) | throughput ratio (≥ 0.67) |',
    '|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.scenario} | ${r.workerd.connections} | ${r.reference.p50_ms} / ${r.reference.p99_ms} | ${r.reference.requests_per_s} | ${r.workerd.p50_ms} / ${r.workerd.p99_ms} | ${r.workerd.requests_per_s} | ${r.p50_ratio}× | ${r.throughput_ratio}× |`),
  ].join('\n');
}

/** The p50 ratio of a request's first (single-client) load point. */
const singleClient = (rows: readonly Comparison[], scenario: string) => rows.find((x) => x.scenario === scenario)?.p50_ratio ?? 'n/a';

/** The `## Serving` section of BENCHMARKS.md, from one run's results. */
export function servingSection(r: ServeResults): string {
  const m = r.machine;
  const after = r.http.after as Comparison[];
  const entry = r.http.after_through_miniflare_entry as Comparison[];
  const before = r.before as { rev: string; http: Comparison[]; health?: Health; cold_linear_100d: ServeResults['cold_load']['linear_100d']; upload_to_first_prediction_hybrid: ServeResults['upload_to_first_prediction']['hybrid'] } | undefined;
  const fp = r.in_process;
  const cold = r.cold_load;
  const many = r.many_adapters;
  const peakRss = Math.max(...many.memory.map((s) => s.workerd_rss_bytes ?? 0), many.every_adapter_once_in_order.workerd_rss_bytes ?? 0, many.zipf_requests.workerd_rss_bytes ?? 0);
  const first = r.upload_to_first_prediction.hybrid;
  const worstP50 = Math.max(...after.map((x) => x.p50_ratio));
  const worstRps = Math.min(...after.map((x) => x.throughput_ratio));
  return `Measured by \`npm run bench:serve\`${r.quick ? ' (--quick)' : ''} on ${m.date}: ${m.cores} × ${m.cpu}, ${m.memoryGiB} GiB, Node ${m.node}, ${m.workerd}; raw numbers in docs/benchmarks/serve.json (${r.seconds.toFixed(0)} s run). The machine is shared: treat single figures as ±30 %.

Setup: the worker bundle under workerd (miniflare, local D1/R2, the benchmark raises only the rate limit) with the real \`text-glove-sif\` backbone; requests go to the worker's own loopback socket (miniflare's dev entry worker adds a hop the Workers edge does not have: figures through it below). Reference: a minimal \`node:http\` server running the same backbone and heads in onnxruntime-node (default CPU options), same core/ tokenization, no auth or validation, in its own process. Load: autocannon ${r.seconds_per_load_point} s per server and point, in one-second slices alternating between the reference and workerd (this machine's background load drifts over seconds), keep-alive, one request in flight per client; each client cycles through the same ${r.request_texts} distinct SpamAssassin bodies (one text a request, at most 1,000 characters, mean ${r.mean_chars}), since a repeated text keeps its few word-table rows and vocabulary entries in the CPU cache between requests, as real traffic would not. "spam" is the trainer's default hybrid head on 1,000 texts (100-d backbone + the hashed n-gram columns its texts use, ${(cold.hybrid.model_bytes / 1024).toFixed(0)} KB ONNX); the three-adapter request adds two linear 100-d heads. The head's ONNX input is the dense \`[N, sum(dims)]\` of the manifest contract, 2^18 + 100 floats a text since the hashed block widened (docs/decisions/0005): the reference, like any server running the ONNX file, builds and copies that 1 MiB row per text, while the edge evaluates the head over the sparse block (0020); the linear-head rows compare the two without that difference.

**Targets** (DESIGN.md): warm p50 within 1.5× of the reference — worst ratio ${worstP50}× (${ok(worstP50 <= 1.5)}); throughput at least 2/3 — worst ${worstRps}× (${ok(worstRps >= 0.67)}); cold load of a 100-d head under 20 ms — ${cold.linear_100d.cold_load_p50_ms} ms (${ok(cold.linear_100d.cold_load_p50_ms < 20)}); upload to first prediction under 1 s — p50 ${first.upload_to_first_prediction.p50_ms} ms (${ok(first.upload_to_first_prediction.p50_ms < 1000)}); ${many.adapters} adapters through one isolate with no error — ${many.errors} errors, cached bytes ${mb(Math.max(...many.memory.map((s) => s.adapter_cache_bytes)))} within the 32 MiB budget (${ok(many.errors === 0)}).

### Warm HTTP predict, this tree

${httpTable(after)}

The runtimes' own floor, same load and bodies: a bare workerd handler that reads the body and answers a fixed JSON (test/bench/serve/floor-worker.ts), against the reference process's bare \`/floor\` path (body parsed, no model):

${httpTable(r.http.floor as Comparison[])}

Through miniflare's entry worker (as \`wrangler dev\` serves it): ${entry.map((x) => `${x.workerd.connections} clients p50 ${x.workerd.p50_ms} ms, ${x.workerd.requests_per_s} req/s`).join('; ')}.
${before ? `
### Before this change (commit ${before.rev}, same run; the reference serves that revision's heads)

${httpTable(before.http)}

Single client (first row of each request): ${[...new Set(after.map((x) => x.scenario))].map((label) => `${label}, p50 ratio ${singleClient(before.http, label)}× before, ${singleClient(after, label)}× now`).join('; ')}. ONNX Runtime in the isolate after the warm HTTP runs: before ${ortState(before.health)}; now ${ortState(r.resident.health)}. Cold load of a 100-d head before: ${before.cold_linear_100d.cold_load_p50_ms} ms (cold predict p50 ${before.cold_linear_100d.cold_predict.p50_ms} ms); upload to first prediction (hybrid head): ${before.upload_to_first_prediction_hybrid.upload_to_first_prediction.p50_ms} ms.
` : ''}
### In-process floor (batch 1, one text, no HTTP)

| backbone runtime | backbone alone p50 / p99 ms | + ORT head p50 / p99 ms | + TypeScript head p50 / p99 ms |
|---|---|---|---|
| onnxruntime-node (native) | ${timing(fp.onnxruntime_node.backbone)} | ${timing(fp.onnxruntime_node.ort_head)} | ${timing(fp.onnxruntime_node.typescript_head)} |
| onnxruntime-web (wasm, 1 thread) | ${timing(fp.onnxruntime_web_wasm_1_thread.backbone)} | ${timing(fp.onnxruntime_web_wasm_1_thread.ort_head)} | ${timing(fp.onnxruntime_web_wasm_1_thread.typescript_head)} |
| TypeScript (what the edge runs) | ${timing(fp.typescript.backbone)} | — | ${timing(fp.typescript.typescript_head)} |

The backbone includes tokenizing the text; the head includes assembling its features (the hashed n-grams of the hybrid head).

### Adapter loads

| | model bytes | cold predict p50 ms | warm predict p50 ms | cold load (difference) ms |
|---|---|---|---|---|
| linear 100-d head | ${cold.linear_100d.model_bytes} | ${cold.linear_100d.cold_predict.p50_ms} | ${cold.linear_100d.warm_predict.p50_ms} | ${cold.linear_100d.cold_load_p50_ms} |
| hybrid head | ${cold.hybrid.model_bytes} | ${cold.hybrid.cold_predict.p50_ms} | ${cold.hybrid.warm_predict.p50_ms} | ${cold.hybrid.cold_load_p50_ms} |

Cold load = R2 read + sha256 check + head load (a predict on an evicted head minus the same predict warm, version lookup warm in both). Upload (hybrid head, isolate already serving): PUT p50 ${first.upload.p50_ms} ms, PUT + first prediction p50 ${first.upload_to_first_prediction.p50_ms} ms / p99 ${first.upload_to_first_prediction.p99_ms} ms.

### ${many.adapters} adapters through one isolate

Linear 100-d heads (${many.model_bytes} B ONNX each) uploaded through \`PUT\` (${many.parallel} in flight; ${many.upload_seconds} s), then each predicted once in upload order, then ${many.adapters} predictions in Zipf(1) order; default 32 MiB cache budget.

| pass | p50 ms | p99 ms | hit rate | adapters cached | cache bytes (estimate) | isolate JS heap | ArrayBuffers | ORT wasm heap | JS + ArrayBuffers + ORT | workerd RSS |
|---|---|---|---|---|---|---|---|---|---|---|
${[['every adapter once, in order', many.every_adapter_once_in_order] as const, ['Zipf(1)', many.zipf_requests] as const].map(([label, x]) => `| ${label} | ${x.p50_ms} | ${x.p99_ms} | ${x.hit_rate} | ${x.adapters_cached} | ${mb(x.adapter_cache_bytes)} | ${mb(x.js_heap_bytes)} | ${mb(x.array_buffer_bytes)} | ${mb(x.ort_heap_bytes)} | ${mb(sum(x.js_heap_bytes, x.array_buffer_bytes, x.ort_heap_bytes))} | ${mb(x.workerd_rss_bytes)} |`).join('\n')}

Memory against cached adapters (sampled while uploading; JS heap after a requested GC, through the inspector): ${many.memory.map((s) => `${s.adapters_cached} cached → JS heap ${mb(s.js_heap_bytes)}${s.array_buffer_bytes === undefined ? '' : ` + ArrayBuffers ${mb(s.array_buffer_bytes)}`}`).join(', ')}. The isolate's 128 MB holds the JS heap, ArrayBuffers (the TypeScript backbone's 16 MB table among them) and ORT's wasm heap (which never shrinks); workerd's RSS (peak ${mb(peakRss)}) is the whole process — miniflare's D1/R2 simulators holding every upload, the entry worker, uncollected garbage — and no measure of the isolate.

### Cost curves (one request in flight, hybrid head)

| batch | workerd p50 ms | reference p50 ms |
|---|---|---|
${r.cost_curves.workerd.batch.map((b, i) => `| ${b.batch} | ${b.p50_ms} | ${r.cost_curves.reference.batch[i]!.p50_ms} |`).join('\n')}

| tokens (chars) | workerd p50 ms | reference p50 ms |
|---|---|---|
${r.cost_curves.workerd.length.map((l, i) => `| ${l.tokens} (${l.chars}) | ${l.p50_ms} | ${r.cost_curves.reference.length[i]!.p50_ms} |`).join('\n')}

Resident after the HTTP runs: workerd ${mb(r.resident.workerd_bytes)}, reference ${mb(r.resident.reference_bytes)}.
`;
}
