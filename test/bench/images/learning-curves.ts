import { createHash } from 'node:crypto';
import type { Embedder } from '../../../core/backbones/backbone-routine';
import { headModel } from '../../../core/heads/head-model';
import { isBackboneFeature, type BackboneFeature } from '../../../core/schemas/feature-block';
import { runHead } from '../../../trainer/adapters/run-head';
import type { ImageExample } from '../../../trainer/data/image-dataset';
import { imageBlockFeatures } from '../../../trainer/features/extract-image-features';
import { tenantPixels } from '../../../trainer/features/tenant-pixels';
import { imageHybridHead } from '../../../trainer/heads/image-hybrid-head';
import { seededRandom } from '../../../trainer/random';
import type { MnistKind } from '../../helpers/mnist-data';
import { accuracy, logisticRegression, smallCnn } from './fit-models';
import { embedMnist, mnistPngs, mnistSplits } from './mnist-features';
import { baselineCache } from './result-cache';

export const GRAFT = 'Graft default head';
/** Class names as graft train would sort them: the digits' (or clothes') indices. */
const DIGITS = Array.from({ length: 10 }, (_, i) => String(i));
export const BASELINES = ['pixels + LR', 'small CNN (scratch)', 'MobileNetV2 + LR', 'MobileNetV2 ⊕ pixels + LR'] as const;
export const METHODS = [...BASELINES, GRAFT] as const;
export type Method = (typeof METHODS)[number];

export interface CurvePoint {
  per_class: number;
  /** Mean test accuracy over the draws, per method, and each draw's accuracy. */
  mean: Record<Method, number>;
  draws: Record<Method, number[]>;
  /** The blocks the Graft head read in each draw, as cross-validation chose them. */
  graft_blocks: string[];
}

export interface CurveOptions {
  sizes: number[];
  draws: number;
  pool: number;
  test: number;
  l2: number;
}

/** The full run's sizes and draws, or --quick's smoke run (2 draws, sizes 1/10/40, 300 test images). */
export function curveOptions(quick: boolean): CurveOptions {
  return quick ? { sizes: [1, 10, 40], draws: 2, pool: 40, test: 30, l2: 1e-3 } : { sizes: [1, 2, 5, 10, 20, 40], draws: 5, pool: 100, test: 100, l2: 1e-3 };
}

function rows(source: Float32Array, dim: number, indices: readonly number[]): Float32Array {
  const out = new Float32Array(indices.length * dim);
  indices.forEach((i, r) => out.set(source.subarray(i * dim, (i + 1) * dim), r * dim));
  return out;
}

function pixelFloats(pixels: readonly Uint8Array[]): Float32Array {
  const out = new Float32Array(pixels.length * 784);
  pixels.forEach((p, r) => p.forEach((v, i) => (out[r * 784 + i] = v / 255)));
  return out;
}

function concat(a: Float32Array, da: number, b: Float32Array, db: number, n: number): Float32Array {
  const out = new Float32Array(n * (da + db));
  for (let r = 0; r < n; r++) {
    out.set(a.subarray(r * da, (r + 1) * da), r * (da + db));
    out.set(b.subarray(r * db, (r + 1) * db), r * (da + db) + da);
  }
  return out;
}

/** `k` pool indices per class, drawn without replacement with a seeded shuffle. */
function draw(labels: readonly number[], k: number, seed: number): number[] {
  const random = seededRandom(seed);
  const picked: number[] = [];
  for (let label = 0; label < 10; label++) {
    const members = labels.flatMap((l, i) => (l === label ? [i] : []));
    for (let i = members.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [members[i], members[j]] = [members[j]!, members[i]!];
    }
    picked.push(...members.slice(0, k));
  }
  return picked;
}

/** PNG files as a tenant's labelled dataset, with the dataset hash graft train would key caches by. */
function asDataset(pixels: readonly Uint8Array[], labels: readonly number[]): { examples: ImageExample[]; sha256: string } {
  const hash = createHash('sha256');
  const examples = mnistPngs(pixels).map((bytes, i) => {
    hash.update(`${labels[i]}\n${bytes.length}\n`).update(bytes);
    return { label: String(labels[i]), bytes, where: `sample ${i}` };
  });
  return { examples, sha256: hash.digest('hex') };
}

export async function learningCurve(kind: MnistKind, embedder: Embedder, opts: CurveOptions, log: (line: string) => void): Promise<CurvePoint[]> {
  const { pool, test } = mnistSplits(kind, opts.pool, opts.test);
  const dim = embedder.manifest.output.dim;
  const backbone: BackboneFeature = { source: embedder.manifest.id, sha256: embedder.manifest.sha256, dim };
  const poolEmb = await embedMnist(embedder, `${kind}-pool-${opts.pool}`, pool.pixels);
  const testEmb = await embedMnist(embedder, `${kind}-test-${opts.test}`, test.pixels);
  const poolPix = pixelFloats(pool.pixels);
  const testPix = pixelFloats(test.pixels);
  const concatTest = concat(testEmb, dim, testPix, 784, test.labels.length);
  // The Graft head's pixels come from the PNG files through core/, as graft train and the edge compute them.
  const poolSet = asDataset(pool.pixels, pool.labels);
  const testSet = asDataset(test.pixels, test.labels);
  const graftPixels = await tenantPixels(poolSet.examples, poolSet.sha256, true);
  const graftTestPixels = await imageBlockFeatures(graftPixels.block, testSet.examples, testSet.sha256, new Map(), true);
  const cache = await baselineCache(kind);
  const points: CurvePoint[] = [];
  for (const k of opts.sizes) {
    const draws = Object.fromEntries(METHODS.map((m) => [m, [] as number[]])) as Record<Method, number[]>;
    const graftBlocks: string[] = [];
    for (let seed = 0; seed < opts.draws; seed++) {
      const picked = draw(pool.labels, k, 1000 * k + seed);
      const y = picked.map((i) => pool.labels[i]!);
      const pix = rows(poolPix, 784, picked);
      const emb = rows(poolEmb, dim, picked);
      const testY = test.labels;
      const key = (method: Method) => ({ method, kind, picked, test: opts.test, l2: opts.l2, backbone: backbone.sha256, seed });
      draws['pixels + LR'].push(await cache.get(key('pixels + LR'), () => logisticRegression({ x: pix, y }, { x: testPix, y: testY }, 784, { l2: opts.l2, seed })));
      draws['small CNN (scratch)'].push(await cache.get(key('small CNN (scratch)'), () => smallCnn({ x: pix, y }, { x: testPix, y: testY }, seed)));
      draws['MobileNetV2 + LR'].push(await cache.get(key('MobileNetV2 + LR'), () => logisticRegression({ x: emb, y }, { x: testEmb, y: testY }, dim, { l2: opts.l2, seed })));
      draws['MobileNetV2 ⊕ pixels + LR'].push(
        await cache.get(key('MobileNetV2 ⊕ pixels + LR'), () => logisticRegression({ x: concat(emb, dim, pix, 784, y.length), y }, { x: concatTest, y: testY }, dim + 784, { l2: opts.l2, seed })),
      );
      // What `graft train` would export for these images (default head and seed), run as the edge runs it.
      const outcome = imageHybridHead(backbone, emb, { block: graftPixels.block, values: rows(graftPixels.values, graftPixels.block.dim, picked) }, Int32Array.from(y), DIGITS, 42);
      const testParts = outcome.blocks.map((b) => (isBackboneFeature(b) ? { dim, values: testEmb } : { dim: b.dim, values: graftTestPixels }));
      const testFeatures = testParts.length === 1 ? testParts[0]!.values : concat(testParts[0]!.values, testParts[0]!.dim, testParts[1]!.values, testParts[1]!.dim, testY.length);
      draws[GRAFT].push(accuracy(await runHead(headModel(outcome.spec), testFeatures, testY.length), testY, 10));
      graftBlocks.push(outcome.blocks.map((b) => b.source).join(' ⊕ '));
    }
    await cache.save();
    const mean = Object.fromEntries(METHODS.map((m) => [m, +(draws[m].reduce((a, b) => a + b, 0) / draws[m].length).toFixed(4)])) as Record<Method, number>;
    points.push({ per_class: k, mean, draws, graft_blocks: graftBlocks });
    log(`${kind} ${k}/class: ${METHODS.map((m) => `${m} ${mean[m].toFixed(3)}`).join(' · ')} · Graft read ${graftBlocks.join(', ')}`);
  }
  return points;
}
