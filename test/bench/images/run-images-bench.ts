/**
 * `npm run bench:images`: image backbone latency (onnxruntime-node in process, and warm HTTP
 * predicts on local workerd with both backbones in one isolate, edge-images.ts) and few-shot learning curves
 * on Fashion-MNIST and MNIST: the Graft default image head against from-scratch and frozen-feature
 * baselines. Writes docs/benchmarks/images.json,
 * docs/benchmarks/images-learning-curves.svg and the `## Images` section of BENCHMARKS.md.
 * Flags: --quick (2 draws, sizes 1/10/40, 300 test images) for a smoke run.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { inputBatch } from '../../../core/inputs/input-batch';
import { API_LIMITS } from '../../../core/schemas/api';
import { loadBackbone, readBackbone } from '../../../trainer/backbones/load-backbone';
import { PROJECT_ROOT } from '../../../trainer/paths';
import { svgLineChart } from '../../../trainer/report/svg-line-chart';
import { fixture } from '../../helpers/image-fixtures';
import { writeBenchmarksSection } from '../benchmarks-section';
import { machine } from '../machine';
import { curvesInParallel } from './curves-in-parallel';
import { measureEdgeImages } from './edge-images';
import { BASELINES, curveOptions, GRAFT, METHODS, type CurvePoint } from './learning-curves';

const quick = process.argv.includes('--quick');
const log = (line: string) => process.stderr.write(`${line}\n`);

async function nodeLatency(): Promise<Record<string, number>> {
  const { embedder, release } = await loadBackbone(await readBackbone('image-mobilenetv2'));
  const jpeg = fixture('scene.jpg');
  const out: Record<string, number> = {};
  for (const batch of [1, 8]) {
    const images = Array.from({ length: batch }, () => jpeg);
    await embedder.embed(inputBatch('image', images));
    const reps = batch === 1 ? 20 : 5;
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) await embedder.embed(inputBatch('image', images));
    out[`batch_${batch}_ms_per_image`] = +((performance.now() - t0) / reps / batch).toFixed(1);
  }
  await release();
  return out;
}

const started = Date.now();
const host = machine();
log(`image bench on ${host.cores} × ${host.cpu}`);
const latency = await nodeLatency();
log(`onnxruntime-node: ${JSON.stringify(latency)} (decode + preprocess + backbone, 320 × 240 JPEG)`);
const edge = await measureEdgeImages();
log(`workerd: ${JSON.stringify(edge.predict)}; memory ${JSON.stringify(edge.memory)}`);

const opts = curveOptions(quick);
const curves = await curvesInParallel(['fashion-mnist', 'mnist'], quick);

const results = { machine: host, quick, options: opts, latency_onnxruntime_node: latency, edge_workerd: edge, learning_curves: curves, seconds: (Date.now() - started) / 1000 };
const outDir = path.join(PROJECT_ROOT, 'docs', 'benchmarks');
await mkdir(outDir, { recursive: true });
await writeFile(path.join(outDir, 'images.json'), JSON.stringify(results, null, 2) + '\n');
const colors = ['#888', '#d62728', '#1f77b4', '#9467bd', '#2ca02c'];
const svgs = Object.entries(curves).map(([kind, points]) =>
  svgLineChart(`${kind}: test accuracy vs labelled images per class`, `${kind}, labelled per class`, METHODS.map((m, i) => ({ name: m, color: colors[i]!, points: points.map((p) => ({ x: p.per_class, y: p.mean[m] })) })), 620, 260),
);
await writeFile(path.join(outDir, 'images-learning-curves.svg'), `<svg xmlns="http://www.w3.org/2000/svg" width="620" height="${260 * svgs.length}">${svgs.map((s, i) => `<g transform="translate(0 ${260 * i})">${s}</g>`).join('')}</svg>\n`);

const table = (kind: string) =>
  [`| labelled per class | ${METHODS.join(' | ')} |`, `|---|${METHODS.map(() => '---').join('|')}|`, ...curves[kind]!.map((p) => `| ${p.per_class} | ${METHODS.map((m) => (m === GRAFT ? `**${p.mean[m].toFixed(3)}**` : p.mean[m].toFixed(3))).join(' | ')} |`)].join('\n');

/** Where the Graft head meets or misses a reference: the sizes it falls short at, with the gap. */
function verdict(reference: (p: CurvePoint) => number): string {
  const points = Object.entries(curves).flatMap(([kind, ps]) => ps.map((p) => ({ kind, p, gap: p.mean[GRAFT] - reference(p) })));
  const misses = points.filter((x) => x.gap < 0);
  const met = `${points.length - misses.length} of ${points.length} points`;
  if (misses.length === 0) return `meets it at all ${points.length} points`;
  return `meets it at ${met}; misses at ${misses.map((x) => `${x.kind} ${x.p.per_class}/class (${x.gap.toFixed(3)})`).join(', ')}`;
}
const ratio = (a: number, b: number) => (a / b).toFixed(2);
const mib = (bytes?: number) => (bytes === undefined ? 'n/a' : `${(bytes / 2 ** 20).toFixed(1)} MiB`);
const better = (p: CurvePoint) => Math.max(p.mean['pixels + LR'], p.mean['MobileNetV2 + LR']);
const best = (p: CurvePoint) => Math.max(...BASELINES.map((m) => p.mean[m]));
const draws = Object.values(curves).flatMap((ps) => ps.flatMap((p) => p.graft_blocks));
const mixed = draws.filter((b) => b.includes('⊕')).length;

await writeBenchmarksSection(
  path.join(PROJECT_ROOT, 'BENCHMARKS.md'),
  'Images',
  `Measured by \`npm run bench:images\`${quick ? ' (--quick)' : ''} on ${host.date}, ${host.cores} × ${host.cpu}, ${host.memoryGiB} GiB, Node ${host.node}, in ${Math.round(results.seconds / 60)} min; raw numbers in docs/benchmarks/images.json, chart in docs/benchmarks/images-learning-curves.svg.

**Backbone latency** (image-mobilenetv2, 320 × 240 JPEG: decode + EXIF + resize + normalise + backbone), onnxruntime-node CPU: ${latency.batch_1_ms_per_image} ms/image at batch 1, ${latency.batch_8_ms_per_image} ms/image at batch 8. On local workerd (onnxruntime-web, wasm, one thread; warm \`POST /v1/adapters/:name/predict\` with multipart images, HTTP round trip included, p50 of 20): ${edge.predict.batch_1.p50_ms_per_image} ms/image at batch 1 (${ratio(edge.predict.batch_1.p50_ms_per_image, latency.batch_1_ms_per_image!)}× onnxruntime-node), ${edge.predict.batch_8.p50_ms_per_image} ms/image at batch 8 (${ratio(edge.predict.batch_8.p50_ms_per_image, latency.batch_8_ms_per_image!)}×). Isolate memory after predictions on both backbones (${edge.memory.backbones_loaded.join(', ')}): JS heap ${mib(edge.memory.js_heap_bytes)}, ArrayBuffers ${mib(edge.memory.array_buffer_bytes)}, ORT wasm heap ${mib(edge.memory.ort_heap_bytes)}, of the 128 MB budget (documented maxima: ${API_LIMITS.maxImagesPerRequest} images per request, ${API_LIMITS.maxImagePixels} declared pixels and ${API_LIMITS.maxImageBytes} bytes each).

**Few-shot learning curves**: mean test accuracy over ${opts.draws} seeded draws of k labelled images per class (from the first ${opts.pool} per class), on a fixed test set of ${opts.test * 10} (the last ${opts.test} per class). Images go through the edge's exact path (PNG bytes → core/image → backbone). LR = multinomial logistic regression on standardised features, L2 ${opts.l2}, fixed 100 Adam steps (no validation split exists at k = 1). The small CNN (2 strided convolutions + softmax, ~40 Adam steps, CPU backend) is trained from scratch on the pixels. **Graft default head** = what \`graft train --backbone image-mobilenetv2\` exports for the same images (default \`--head hybrid\`, seed 42): the backbone block and the \`pixels\` block (28 × 28 grey, from the PNG files through core/image), each standardised per column on the tenant's images, mixed as stratified cross-validation chooses (backbone alone, pixels alone, or both with the backbone at weight 0.5, 1 or 2; the default, both at 1, unless another candidate wins by more than a paired standard error), scored on the test set by onnxruntime-node running the exported adapter.onnx. At k = 1 nothing can be held out and the default mix is fitted. Cross-validation kept both blocks in ${mixed} of ${draws.length} draws. Baseline accuracies are cached per draw (keyed by fit-models.ts, the rows drawn and the options), so reruns spend their time on the Graft column.

Against the better of the two single-source baselines (pixels + LR, MobileNetV2 + LR — the target DESIGN.md sets for text, read for images), the Graft default head ${verdict(better)}. Against the best of all four baselines, the CNN and the naive concatenation included, it ${verdict(best)}.

Fashion-MNIST:

${table('fashion-mnist')}

MNIST:

${table('mnist')}
`,
);
log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
