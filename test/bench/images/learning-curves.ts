import type { ImageEmbedder } from '../../../core/features/image-embedder';
import { seededRandom } from '../../../trainer/random';
import type { MnistKind } from '../../helpers/mnist-data';
import { logisticRegression, smallCnn } from './fit-models';
import { embedMnist, mnistSplits } from './mnist-features';

export const METHODS = ['pixels + LR', 'small CNN (scratch)', 'MobileNetV2 + LR', 'MobileNetV2 ⊕ pixels + LR'] as const;
export type Method = (typeof METHODS)[number];

export interface CurvePoint {
  per_class: number;
  /** Mean test accuracy over the draws, per method, and each draw's accuracy. */
  mean: Record<Method, number>;
  draws: Record<Method, number[]>;
}

export interface CurveOptions {
  sizes: number[];
  draws: number;
  pool: number;
  test: number;
  l2: number;
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

export async function learningCurve(kind: MnistKind, embedder: ImageEmbedder, opts: CurveOptions, log: (line: string) => void): Promise<CurvePoint[]> {
  const { pool, test } = mnistSplits(kind, opts.pool, opts.test);
  const dim = embedder.manifest.output.dim;
  const poolEmb = await embedMnist(embedder, `${kind}-pool-${opts.pool}`, pool.pixels);
  const testEmb = await embedMnist(embedder, `${kind}-test-${opts.test}`, test.pixels);
  const poolPix = pixelFloats(pool.pixels);
  const testPix = pixelFloats(test.pixels);
  const testSets: Record<Method, { x: Float32Array; dim: number }> = {
    'pixels + LR': { x: testPix, dim: 784 },
    'small CNN (scratch)': { x: testPix, dim: 784 },
    'MobileNetV2 + LR': { x: testEmb, dim },
    'MobileNetV2 ⊕ pixels + LR': { x: concat(testEmb, dim, testPix, 784, test.labels.length), dim: dim + 784 },
  };
  const points: CurvePoint[] = [];
  for (const k of opts.sizes) {
    const draws = Object.fromEntries(METHODS.map((m) => [m, [] as number[]])) as Record<Method, number[]>;
    for (let seed = 0; seed < opts.draws; seed++) {
      const picked = draw(pool.labels, k, 1000 * k + seed);
      const y = picked.map((i) => pool.labels[i]!);
      const pix = rows(poolPix, 784, picked);
      const emb = rows(poolEmb, dim, picked);
      const testY = test.labels;
      draws['pixels + LR'].push(await logisticRegression({ x: pix, y }, { x: testSets['pixels + LR'].x, y: testY }, 784, { l2: opts.l2, seed }));
      draws['small CNN (scratch)'].push(await smallCnn({ x: pix, y }, { x: testPix, y: testY }, seed));
      draws['MobileNetV2 + LR'].push(await logisticRegression({ x: emb, y }, { x: testEmb, y: testY }, dim, { l2: opts.l2, seed }));
      const hybrid = testSets['MobileNetV2 ⊕ pixels + LR'];
      draws['MobileNetV2 ⊕ pixels + LR'].push(await logisticRegression({ x: concat(emb, dim, pix, 784, y.length), y }, { x: hybrid.x, y: testY }, hybrid.dim, { l2: opts.l2, seed }));
    }
    const mean = Object.fromEntries(METHODS.map((m) => [m, +(draws[m].reduce((a, b) => a + b, 0) / draws[m].length).toFixed(4)])) as Record<Method, number>;
    points.push({ per_class: k, mean, draws });
    log(`${kind} ${k}/class: ${METHODS.map((m) => `${m} ${mean[m].toFixed(3)}`).join(' · ')}`);
  }
  return points;
}
