import { once } from '../../core/memo/once';
import type { HeadSpec } from '../../core/heads/head-spec';
import { fitColumnScaling, scaleColumns, type ColumnScaling } from './column-scaling';
import { chooseOverDefault, crossValidateLogistic } from './cross-validate-logistic';
import { fitLogistic, type LogisticModel } from './logistic-regression';
import { rowSpace, type RowSpace, type ScaledBlock } from './row-space';

export type ImageBlocks = 'backbone' | 'pixels' | 'both';

export interface ImageCandidate {
  blocks: ImageBlocks;
  /** Weight of the standardised backbone block against the standardised pixels at weight 1. */
  backboneScale: number;
  C: number;
}

export interface ScoredImageCandidate extends ImageCandidate {
  accuracy: number;
  logLoss: number;
}

/** A tenant's labelled images as the two blocks the head can read, float32 row-major. */
export interface ImageHybridData {
  labels: Int32Array;
  classes: number;
  backbone: { dim: number; values: Float32Array };
  pixels: { dim: number; values: Float32Array };
}

/** Deviations floor at this share of the block's RMS deviation (see fitColumnScaling). */
export const SCALE_FLOOR = 0.3;

/**
 * The grid: each block alone and both mixed, the backbone weighted 0.5 to 2 against the pixels,
 * at one regularisation strength. On standardised blocks C mattered less than a point anywhere
 * between 0.01 and 1 on our curves; the mix decided more, so the grid spends its fits on mixes.
 */
export const IMAGE_GRID: readonly ImageCandidate[] = [
  { blocks: 'backbone', backboneScale: 1, C: 0.1 },
  { blocks: 'pixels', backboneScale: 0, C: 0.1 },
  ...[0.5, 1, 2].map((backboneScale) => ({ blocks: 'both' as const, backboneScale, C: 0.1 })),
];

/** Both blocks at equal weight: best or within a point of it at every size on our curves, and
 * the choice whenever there are too few labels to cross-validate or to tell candidates apart. */
export const DEFAULT_IMAGE_CANDIDATE: ImageCandidate = { blocks: 'both', backboneScale: 1, C: 0.1 };

/** What cross-validation found: every candidate's scores and the chosen one's out-of-fold probabilities. */
export interface ImageCrossValidation {
  scores: ScoredImageCandidate[];
  chosen: number;
  /** [rows × K], from the first repetition. */
  outOfFold: Float64Array;
  folds: number;
  repeats: number;
}

export interface ImageHybridResult {
  choice: ImageCandidate;
  /** Null when some label has a single image: nothing can be held out. */
  cv: ImageCrossValidation | null;
  spec: HeadSpec;
  /** The fitted head's float64 probabilities on the first `rows` images' raw blocks, for the export check. */
  reference: { rows: number; probs: Float64Array };
}

const sameCandidate = (a: ImageCandidate, b: ImageCandidate) => a.blocks === b.blocks && a.backboneScale === b.backboneScale && a.C === b.C;
const mixKey = (c: ImageCandidate) => `${c.blocks}:${c.backboneScale}`;

/** The standardised blocks a candidate reads, each with its weight. */
function mixOf(candidate: ImageCandidate, backbone: ScaledBlock, pixels: ScaledBlock): { block: ScaledBlock; weight: number }[] {
  if (candidate.blocks === 'backbone') return [{ block: backbone, weight: 1 }];
  if (candidate.blocks === 'pixels') return [{ block: pixels, weight: 1 }];
  return [
    { block: backbone, weight: candidate.backboneScale },
    { block: pixels, weight: 1 },
  ];
}

/** Every column's weights [columns × K] of a fit, zeros where training saw no value. */
function fullWeights(model: LogisticModel): Float64Array {
  const K = model.classes;
  const out = new Float64Array((model.denseDim + model.sparseDim) * K);
  model.active.forEach((column, i) => out.set(model.params.subarray(i * K, (i + 1) * K), column * K));
  return out;
}

/** The fitted head over the raw blocks it reads, in float64: [inputs × K] weights and K biases. */
interface RawHead {
  inputs: number;
  weights: Float64Array;
  bias: Float64Array;
}

/**
 * The fit mapped back to the raw blocks the candidate reads: the block weights and the tenant's
 * column means and scales folded in (w / scale on each column, the means into the bias).
 */
function rawHead(model: LogisticModel, space: RowSpace, scalings: readonly ColumnScaling[]): RawHead {
  const K = model.classes;
  const blockWeights = space.blockWeights(fullWeights(model), K);
  const inputs = scalings.reduce((sum, s) => sum + s.mean.length, 0);
  const weights = new Float64Array(inputs * K);
  const bias = Float64Array.from(model.params.subarray(model.active.length * K));
  let offset = 0;
  scalings.forEach(({ mean, scale }, b) => {
    const w = blockWeights[b]!;
    for (let c = 0; c < mean.length; c++) {
      for (let k = 0; k < K; k++) {
        const raw = w[c * K + k]! / scale[c]!;
        weights[(offset + c) * K + k] = raw;
        bias[k]! -= raw * mean[c]!;
      }
    }
    offset += mean.length;
  });
  return { inputs, weights, bias };
}

/** Softmax probabilities of the first `rows` images, from their raw blocks, in float64. */
function rawProbabilities(head: RawHead, blocks: readonly { dim: number; values: Float32Array }[], rows: number): Float64Array {
  const K = head.bias.length;
  const out = new Float64Array(rows * K);
  for (let r = 0; r < rows; r++) {
    const logits = Float64Array.from(head.bias);
    let offset = 0;
    for (const { dim, values } of blocks) {
      for (let c = 0; c < dim; c++) {
        const x = values[r * dim + c]!;
        if (x !== 0) for (let k = 0; k < K; k++) logits[k]! += x * head.weights[(offset + c) * K + k]!;
      }
      offset += dim;
    }
    const max = Math.max(...logits);
    let sum = 0;
    for (let k = 0; k < K; k++) sum += logits[k] = Math.exp(logits[k]! - max);
    for (let k = 0; k < K; k++) out[r * K + k] = logits[k]! / sum;
  }
  return out;
}

/**
 * Chooses which blocks to read and how to weigh them by stratified cross-validation on the
 * tenant's images, then fits on all of them. Each block is centred and scaled per column on the
 * tenant's rows (folded into the export), so the pixels and the backbone start on equal terms.
 * With a single image of some label, nothing can be held out: the default candidate is fitted.
 */
export function trainImageHybrid(data: ImageHybridData, seed: number, referenceRows: number, grid: readonly ImageCandidate[] = IMAGE_GRID): ImageHybridResult {
  const { labels, classes } = data;
  const rows = labels.length;
  const scalings = {
    backbone: fitColumnScaling(data.backbone.values, rows, data.backbone.dim, SCALE_FLOOR),
    pixels: fitColumnScaling(data.pixels.values, rows, data.pixels.dim, SCALE_FLOOR),
  };
  const backbone: ScaledBlock = { dim: data.backbone.dim, values: scaleColumns(data.backbone.values, rows, data.backbone.dim, scalings.backbone) };
  const pixels: ScaledBlock = { dim: data.pixels.dim, values: scaleColumns(data.pixels.values, rows, data.pixels.dim, scalings.pixels) };
  const spaces = new Map<string, RowSpace>();
  const spaceOf = (candidate: ImageCandidate) => once(spaces, mixKey(candidate), () => rowSpace(mixOf(candidate, backbone, pixels), rows));

  const counts = new Array<number>(classes).fill(0);
  for (const label of labels) counts[label]! += 1;
  let choice = DEFAULT_IMAGE_CANDIDATE;
  let cv: ImageCrossValidation | null = null;
  if (Math.min(...counts) >= 2) {
    const candidates = grid.map((c) => ({ matrix: mixKey(c), options: { C: c.C, balanced: true, ...spaceOf(c).options } }));
    const matrices = new Map([...spaces].map(([key, space]) => [key, space.matrix]));
    const result = crossValidateLogistic(matrices, labels, classes, candidates, seed);
    const fallback = grid.findIndex((c) => sameCandidate(c, DEFAULT_IMAGE_CANDIDATE));
    const chosen = fallback < 0 ? 0 : chooseOverDefault(result, fallback);
    choice = grid[chosen]!;
    cv = {
      scores: grid.map((c, g) => ({ ...c, ...result.scores[g]! })),
      chosen,
      outOfFold: result.outOfFold[chosen]!,
      folds: result.folds,
      repeats: result.repeats,
    };
  }
  const space = spaceOf(choice);
  const model = fitLogistic(space.matrix, labels, classes, { C: choice.C, balanced: true, ...space.options });
  const both = choice.blocks === 'both';
  const read = both ? [scalings.backbone, scalings.pixels] : [choice.blocks === 'backbone' ? scalings.backbone : scalings.pixels];
  const raw = both ? [data.backbone, data.pixels] : [choice.blocks === 'backbone' ? data.backbone : data.pixels];
  const head = rawHead(model, space, read);
  const referenced = Math.min(referenceRows, rows);
  return {
    choice,
    cv,
    spec: { layers: [{ inputs: head.inputs, outputs: classes, weights: Float32Array.from(head.weights), bias: Float32Array.from(head.bias), activation: 'linear' }], output: 'softmax' },
    reference: { rows: referenced, probs: rawProbabilities(head, raw, referenced) },
  };
}
