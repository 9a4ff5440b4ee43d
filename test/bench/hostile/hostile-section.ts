import type { machine } from '../machine';
import type { FuzzPhase } from './fuzz-phase';
import type { MemorySample } from './hostile-edge';
import type { NoisyNeighbour } from './noisy-neighbour';
import type { Soak } from './soak';

export interface HostileResults {
  machine: ReturnType<typeof machine> & { workerd: string };
  quick: boolean;
  seed: number;
  fuzz: FuzzPhase;
  noisy_neighbour: NoisyNeighbour;
  soak: Soak;
  before?: { rev: string; fuzz: FuzzPhase; noisy_neighbour: NoisyNeighbour };
  seconds: number;
}

/** Milliseconds to a precision that means something at their size. */
const ms = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
const mib = (bytes?: number) => (bytes === undefined ? 'n/a' : (bytes / 2 ** 20).toFixed(1));
const yes = (pass: boolean) => (pass ? 'yes' : '**no**');
const codes = (table: Record<string, number>) =>
  Object.entries(table)
    .sort((a, b) => b[1] - a[1])
    .map(([code, n]) => `${code} ${n}`)
    .join(', ');

function memoryRow(label: string, before: MemorySample, after: MemorySample): string {
  const pair = (f: (s: MemorySample) => number | undefined) => `${mib(f(before))} → ${mib(f(after))}`;
  return `| ${label} | ${pair((s) => s.js_heap_bytes)} | ${pair((s) => s.array_buffer_bytes)} | ${pair((s) => s.ort_heap_bytes)} | ${pair((s) => s.workerd_rss_bytes)} | ${pair((s) => s.adapter_cache_bytes)} (${before.adapters_cached} → ${after.adapters_cached} heads) |`;
}

const range = (series: readonly MemorySample[], f: (s: MemorySample) => number | undefined) => {
  const values = series.map(f).filter((v): v is number => v !== undefined);
  return values.length ? `${mib(Math.min(...values))}–${mib(Math.max(...values))}` : 'n/a';
};

/** Said only when it happened: heads of adapters that no longer exist, still held by the isolate. */
function cachedAfterDelete(f: FuzzPhase): string {
  const extra = f.memory_after.adapters_cached - f.memory_before.adapters_cached;
  if (extra <= 0) return '';
  return ` Every accepted mutant was deleted, yet the adapter cache holds ${extra} more heads (${mib(f.memory_after.adapter_cache_bytes - f.memory_before.adapter_cache_bytes)} MiB) after the run than before: a delete does not evict the adapter's heads from the isolate's cache; its byte budget bounds them.`;
}

function fuzzSection(r: HostileResults): string {
  const runs: [string, FuzzPhase][] = [['this tree', r.fuzz], ...(r.before ? [[`before (${r.before.rev})`, r.before.fuzz] as [string, FuzzPhase]] : [])];
  const allCodes = [...new Set(runs.flatMap(([, f]) => Object.keys(f.report.codes)))].sort((a, b) => (r.fuzz.report.codes[b] ?? 0) - (r.fuzz.report.codes[a] ?? 0));
  const families = Object.keys(r.fuzz.report.by_family).sort();
  return `### Fuzz: ${r.fuzz.report.cases} seeded mutations (seed ${r.seed})

Mutations of real adapters (the \`graft train\` hybrid spam head, linear, mlp and Gemm heads on GloVe-SIF, a pixels head, a linear head on MobileNetV2) and of the committed image fixtures and a synthesised WAV: bit flips, truncations, protobuf fields duplicated or dropped at any depth, lies in protobuf lengths and varints, PNG chunk lengths and IHDR fields, JPEG segment lengths and frame headers, hundreds of scans, RIFF/WAV chunk sizes, JSON manifests with duplicate keys and lying values, upload and predict forms with repeated, missing or thousands of parts. Uploads go to \`PUT /v1/adapters/:name\` (an accepted mutant is predicted once with several rows, then deleted); images to \`POST /v1/adapters/:name/predict\` as JSON base64 or multipart \`image\` parts, among valid ones; WAVs must be refused. 4 cases in flight.

| | ${runs.map(([l]) => l).join(' | ')} |
|---|${runs.map(() => '---').join('|')}|
| requests | ${runs.map(([, f]) => f.report.requests).join(' | ')} |
| 5xx, crashes, answers without problem+json code | ${runs.map(([, f]) => f.report.violations.length).join(' | ')} |
| accepted mutant uploads (their follow-up predicts) | ${runs.map(([, f]) => `${f.report.accepted_uploads} (${codes(f.report.follow_up_codes) || 'none'})`).join(' | ')} |
| isolate survived, never restarted | ${runs.map(([, f]) => yes(f.isolate_survived)).join(' | ')} |
| another tenant's answer unchanged afterwards | ${runs.map(([, f]) => yes(f.neighbour_unharmed)).join(' | ')} |
| seconds | ${runs.map(([, f]) => f.report.seconds).join(' | ')} |

Memory before the first mutant → after the last, each the least of three samples a second apart once the isolate was quiet (MiB; JS heap and ArrayBuffers after a forced GC, through the inspector; RSS also counts miniflare's D1 and R2 simulators, which run in the same workerd):

| run | JS heap | ArrayBuffers | ORT wasm heap | workerd RSS | adapter cache |
|---|---|---|---|---|---|
${runs.map(([l, f]) => memoryRow(l, f.memory_before, f.memory_after)).join('\n')}

During the run (every ~10 s), JS heap ${runs.map(([l, f]) => `${l} ${range(f.memory_series, (s) => s.js_heap_bytes)}`).join(', ')} MiB.${cachedAfterDelete(r.fuzz)}

Answers by code:

| code | ${runs.map(([l]) => l).join(' | ')} |
|---|${runs.map(() => '---').join('|')}|
${allCodes.map((c) => `| ${c} | ${runs.map(([, f]) => f.report.codes[c] ?? 0).join(' | ')} |`).join('\n')}

By family (this tree): answers, and time to answer p50 / p99 / max ms:

| family | answers | ms |
|---|---|---|
${families.map((f) => `| ${f} | ${codes(r.fuzz.report.by_family[f]!)} | ${ms(r.fuzz.report.ms_by_family[f]!.p50_ms)} / ${ms(r.fuzz.report.ms_by_family[f]!.p99_ms)} / ${ms(r.fuzz.report.ms_by_family[f]!.max_ms)} |`).join('\n')}
${runs.some(([, f]) => f.report.violations.length) ? `\nViolations (first 10 per run; replay with the seed and index):\n\n${runs.flatMap(([l, f]) => f.report.violations.slice(0, 10).map((v) => `- ${l}: #${v.index} ${v.family} ${v.mutation} of ${v.seed}, ${v.step}: ${v.why} ${v.code ?? ''}`)).join('\n')}\n` : ''}`;
}

function noisySection(r: HostileResults): string {
  const runs: [string, NoisyNeighbour][] = [['this tree', r.noisy_neighbour], ...(r.before ? [[`before (${r.before.rev})`, r.before.noisy_neighbour] as [string, NoisyNeighbour]] : [])];
  const n = r.noisy_neighbour;
  return `### Noisy neighbour (${n.seconds_per_phase} s per phase)

A quiet tenant sends ${n.quiet.request}, one request in flight: alone, then while a noisy tenant on the same isolate sends the costliest requests the limits allow (four clients, one per lane below; ${n.noisy.heads.accepted.length} wide heads of GloVe-SIF + 2^16 hashed n-grams × 8 labels, ~2 MiB each, half run by ORT), then alone again. Target: the quiet p99 under attack within 2× of its solo p99 (both solo phases pooled), with no error.

| quiet tenant | ${runs.map(([l]) => l).join(' | ')} |
|---|${runs.map(() => '---').join('|')}|
| solo p50 / p99 ms | ${runs.map(([, x]) => `${ms(x.quiet.solo_before.p50_ms)} / ${ms(x.quiet.solo_before.p99_ms)}, again ${ms(x.quiet.solo_after.p50_ms)} / ${ms(x.quiet.solo_after.p99_ms)}`).join(' | ')} |
| under attack p50 / p99 ms | ${runs.map(([, x]) => `${ms(x.quiet.attacked.p50_ms)} / ${ms(x.quiet.attacked.p99_ms)}`).join(' | ')} |
| p99 under attack ÷ solo p99 (≤ 2) | ${runs.map(([, x]) => `${x.quiet.p99_ratio}× ${x.quiet.within_2x ? '(met)' : '(**missed**)'}`).join(' | ')} |
| quiet requests under attack, errors (all phases) | ${runs.map(([, x]) => `${x.quiet.attacked.requests}, ${x.quiet.errors}`).join(' | ')} |

| noisy lane (this tree) | requests | answers | p50 / p99 ms |
|---|---|---|---|
${Object.entries(n.noisy.lanes).map(([lane, l]) => `| ${lane} | ${l.requests} | ${codes(l.codes)} | ${ms(l.p50_ms)} / ${ms(l.p99_ms)} |`).join('\n')}

Images: the largest photo-like 4:4:4 JPEG (jpeg-js, quality 90) the edge decodes, probed from the documented 2048 × 2048 down: ${runs.map(([l, x]) => `${l} ${x.noisy.max_images.side}² (${Object.entries(x.noisy.max_images.refused).map(([side, code]) => `${side} refused ${code}`).join(', ') || 'nothing refused'}), ${x.noisy.max_images.images} per request`).join('; ')}.
${Object.keys(n.noisy.heads.refused).length ? `\nWide heads refused at upload: ${Object.entries(n.noisy.heads.refused).map(([h, c]) => `${h} ${c}`).join(', ')}.\n` : ''}
| run | JS heap | ArrayBuffers | ORT wasm heap | workerd RSS | adapter cache |
|---|---|---|---|---|---|
${runs.map(([l, x]) => memoryRow(l, x.memory_before, x.memory_after)).join('\n')}
`;
}

function soakSection(s: Soak): string {
  const slope = (v?: number) => (v === undefined ? 'n/a' : `${(v / 2 ** 20).toFixed(2)} MiB/min`);
  return `### Soak: ${s.seconds} s of mixed traffic at ${s.rate_per_s} requests/s

Four tenants (hybrid, linear, Gemm and image heads each), open loop: text predicts of 1 to 8 bodies, image predicts (pixels and MobileNetV2 heads), three-adapter predicts, uploads of new Gemm versions (some not activated), activations back and forth, and the fuzzer's bad requests (accepted mutant uploads deleted).

${s.requests} requests (${s.skipped} ticks skipped with 64 in flight); **${s.violations.length}** 5xx, failed connections or answers without a problem code. Answers: ${codes(s.codes)}.

| op | requests | answers | p50 / p99 ms |
|---|---|---|---|
${Object.entries(s.by_op).map(([op, o]) => `| ${op} | ${o.requests} | ${codes(o.codes)} | ${ms(o.p50_ms)} / ${ms(o.p99_ms)} |`).join('\n')}

Memory every ~10 s (MiB; JS heap and ArrayBuffers after a forced GC):

| t (s) | JS heap | ArrayBuffers | ORT wasm heap | workerd RSS | adapter cache (heads) |
|---|---|---|---|---|---|
${s.memory_series.map((m) => `| ${m.t_s.toFixed(0)} | ${mib(m.js_heap_bytes)} | ${mib(m.array_buffer_bytes)} | ${mib(m.ort_heap_bytes)} | ${mib(m.workerd_rss_bytes)} | ${mib(m.adapter_cache_bytes)} (${m.adapters_cached}) |`).join('\n')}

Least-squares slope over the second half: JS heap ${slope(s.slope_second_half_per_min.js_heap)}, ArrayBuffers ${slope(s.slope_second_half_per_min.array_buffers)}, ORT heap ${slope(s.slope_second_half_per_min.ort_heap)}, workerd RSS ${slope(s.slope_second_half_per_min.workerd_rss)}, adapter cache ${slope(s.slope_second_half_per_min.adapter_cache)}.
`;
}

/** The `## Hostile` section of BENCHMARKS.md, from one run's results. */
export function hostileSection(r: HostileResults): string {
  const m = r.machine;
  return `Measured by \`npm run bench:hostile\`${r.quick ? ' (--quick)' : ''} on ${m.date}: ${m.cores} × ${m.cpu}, ${m.memoryGiB} GiB, Node ${m.node}, ${m.workerd}; raw numbers in docs/benchmarks/hostile.json (${r.seconds.toFixed(0)} s run). Each part runs on a fresh worker under workerd (miniflare, local D1/R2, both real backbones; the benchmark lifts only the rate limits), over its loopback socket.${r.before ? ` "Before" is the worker committed at ${r.before.rev}, run the same way with the same seed, minutes apart.` : ''}

${fuzzSection(r)}
${noisySection(r)}
${soakSection(r.soak)}`;
}
