/**
 * `npm run bench:images`: image backbone latency (onnxruntime-node here; workerd figures come from
 * test/bench/images/workerd-latency.ts when the edge serves images) and few-shot learning curves
 * on Fashion-MNIST and MNIST against from-scratch baselines. Writes docs/benchmarks/images.json,
 * docs/benchmarks/images-learning-curves.svg and the `## Images` section of BENCHMARKS.md.
 * Flags: --quick (2 draws, sizes 1/10/40, 300 test images) for a smoke run.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadImageEmbedder } from '../../../trainer/backbones/load-image-embedder';
import { PROJECT_ROOT } from '../../../trainer/paths';
import { svgLineChart } from '../../../trainer/report/svg-line-chart';
import { tfBackend } from '../../../trainer/runtime/tf-backend';
import { fixture } from '../../helpers/image-fixtures';
import { writeBenchmarksSection } from '../benchmarks-section';
import { learningCurve, METHODS, type CurvePoint } from './learning-curves';

// LR runs on the wasm backend; the CNN switches to the CPU backend for its convolution gradients.
process.env.GRAFT_TF_BACKEND ??= 'wasm';
const quick = process.argv.includes('--quick');
const log = (line: string) => process.stderr.write(`${line}\n`);

async function nodeLatency(): Promise<Record<string, number>> {
  const { embedder, release } = await loadImageEmbedder('image-mobilenetv2');
  const jpeg = fixture('scene.jpg');
  const out: Record<string, number> = {};
  for (const batch of [1, 8]) {
    const images = Array.from({ length: batch }, () => jpeg);
    await embedder.embed(images);
    const reps = batch === 1 ? 20 : 5;
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) await embedder.embed(images);
    out[`batch_${batch}_ms_per_image`] = +((performance.now() - t0) / reps / batch).toFixed(1);
  }
  await release();
  return out;
}

const started = Date.now();
await tfBackend();
const machine = { cpus: os.cpus().length, cpu: os.cpus()[0]?.model ?? 'unknown', node: process.version };
log(`image bench on ${machine.cpus} × ${machine.cpu}`);
const latency = await nodeLatency();
log(`onnxruntime-node: ${JSON.stringify(latency)} (decode + preprocess + backbone, 320 × 240 JPEG)`);

const opts = quick ? { sizes: [1, 10, 40], draws: 2, pool: 40, test: 30, l2: 1e-3 } : { sizes: [1, 2, 5, 10, 20, 40], draws: 5, pool: 100, test: 100, l2: 1e-3 };
const { embedder } = await loadImageEmbedder('image-mobilenetv2');
const curves: Record<string, CurvePoint[]> = {};
for (const kind of ['fashion-mnist', 'mnist'] as const) curves[kind] = await learningCurve(kind, embedder, opts, log);

const results = { machine, quick, options: opts, latency_onnxruntime_node: latency, learning_curves: curves, seconds: (Date.now() - started) / 1000 };
const outDir = path.join(PROJECT_ROOT, 'docs', 'benchmarks');
await mkdir(outDir, { recursive: true });
await writeFile(path.join(outDir, 'images.json'), JSON.stringify(results, null, 2) + '\n');
const colors = ['#888', '#d62728', '#1f77b4', '#2ca02c'];
const svgs = Object.entries(curves).map(([kind, points]) =>
  svgLineChart(`${kind}: test accuracy vs labelled images per class`, `${kind}, labelled per class`, METHODS.map((m, i) => ({ name: m, color: colors[i]!, points: points.map((p) => ({ x: p.per_class, y: p.mean[m] })) })), 620, 260),
);
await writeFile(path.join(outDir, 'images-learning-curves.svg'), `<svg xmlns="http://www.w3.org/2000/svg" width="620" height="${260 * svgs.length}">${svgs.map((s, i) => `<g transform="translate(0 ${260 * i})">${s}</g>`).join('')}</svg>\n`);

const table = (kind: string) =>
  [`| labelled per class | ${METHODS.join(' | ')} |`, `|---|${METHODS.map(() => '---').join('|')}|`, ...curves[kind]!.map((p) => `| ${p.per_class} | ${METHODS.map((m) => p.mean[m].toFixed(3)).join(' | ')} |`)].join('\n');
await writeBenchmarksSection(
  path.join(PROJECT_ROOT, 'BENCHMARKS.md'),
  'Images',
  `Measured by \`npm run bench:images\`${quick ? ' (--quick)' : ''} on ${machine.cpus} × ${machine.cpu}, Node ${machine.node}; raw numbers in docs/benchmarks/images.json, chart in docs/benchmarks/images-learning-curves.svg.

**Backbone latency** (image-mobilenetv2, 320 × 240 JPEG: decode + EXIF + resize + normalise + backbone), onnxruntime-node CPU: ${latency.batch_1_ms_per_image} ms/image at batch 1, ${latency.batch_8_ms_per_image} ms/image at batch 8. workerd: run \`npx vitest run test/worker/images.test.ts\`, which prints warm ms/image.

**Few-shot learning curves**: mean test accuracy over ${opts.draws} seeded draws of k labelled images per class (from the first ${opts.pool} per class), on a fixed test set of ${opts.test * 10} (the last ${opts.test} per class). Images go through the edge's exact path (PNG bytes → core/image → backbone). LR = multinomial logistic regression on standardised features, L2 ${opts.l2}, fixed 100 Adam steps (no validation split exists at k = 1). The small CNN (2 strided convolutions + softmax, ~40 Adam steps, CPU backend) is trained from scratch on the pixels.

Fashion-MNIST:

${table('fashion-mnist')}

MNIST:

${table('mnist')}
`,
);
log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
