import type { HeadSpec } from '../../core/heads/head-spec';
import { seededRandom } from '../random';
import { inverseDocumentFrequency, selectRows, type FeatureMatrix } from './feature-matrix';
import { fitLogistic, predictLogistic, type LogisticModel, type LogisticOptions } from './logistic-regression';
import { stratifiedFolds } from './stratified-split';

export type HybridBlocks = 'backbone' | 'ngrams' | 'both';

export interface HybridCandidate {
  blocks: HybridBlocks;
  /** Word n-gram lengths hashed into the lexical block. */
  ngrams: readonly number[];
  /** Weight of the backbone block against the unit-norm TF-IDF block. */
  backboneScale: number;
  C: number;
}

export interface ScoredCandidate extends HybridCandidate {
  accuracy: number;
  logLoss: number;
}

const UNIGRAMS = [1];
const BIGRAMS = [1, 2];

/**
 * The grid cross-validation chooses from: the TF-IDF block alone, and mixes with the backbone
 * weighted 0.5 to 4 against it (at 4 the backbone dominates), at regularisation strengths from
 * strong (C = 1: noisy, topical labels) to light (C = 100: clean, separable ones). The backbone
 * alone is left out: on our learning curves it never won on held-out data, and with a few dozen
 * labels cross-validation picked it by luck and lost.
 */
export const HYBRID_GRID: readonly HybridCandidate[] = [
  ...[1, 10, 100].map((C) => ({ blocks: 'ngrams' as const, ngrams: UNIGRAMS, backboneScale: 0, C })),
  ...[0.5, 1].flatMap((backboneScale) => [1, 10, 100].map((C) => ({ blocks: 'both' as const, ngrams: UNIGRAMS, backboneScale, C }))),
  ...[2, 4].flatMap((backboneScale) => [10, 100].map((C) => ({ blocks: 'both' as const, ngrams: UNIGRAMS, backboneScale, C }))),
  // Bigrams dilute a handful of examples but help with hundreds; a few candidates let CV say so.
  ...[1, 100].map((C) => ({ blocks: 'ngrams' as const, ngrams: BIGRAMS, backboneScale: 0, C })),
  { blocks: 'both', ngrams: BIGRAMS, backboneScale: 0.5, C: 100 },
];

/** The lexical block variants a grid needs, each keyed by `ngramsKey`. */
export type HybridVariants = ReadonlyMap<string, FeatureMatrix>;

export const ngramsKey = (ngrams: readonly number[]) => ngrams.join(',');

export interface CrossValidation {
  scores: ScoredCandidate[];
  /** Out-of-fold probabilities [rows × K] of each candidate, from the first repetition. */
  outOfFold: Float64Array[];
  folds: number;
  repeats: number;
}

export interface HybridResult extends CrossValidation {
  choice: ScoredCandidate;
  model: LogisticModel;
  idf: Float32Array;
  spec: HeadSpec;
}

function options(candidate: HybridCandidate, idf: Float32Array, init?: Float64Array): LogisticOptions {
  return {
    C: candidate.C,
    denseScale: candidate.blocks === 'ngrams' ? 0 : candidate.backboneScale,
    sparseScale: candidate.blocks === 'backbone' ? null : idf,
    balanced: true,
    init,
  };
}

function foldCount(labels: Int32Array, classes: number): number {
  const counts = new Array<number>(classes).fill(0);
  for (const label of labels) counts[label]! += 1;
  // Fewer folds on larger sets: the estimate is already stable and each fold costs a full grid.
  return Math.max(2, Math.min(Math.min(...counts), labels.length >= 500 ? 3 : 5));
}

/** On a few dozen labels one split of folds is noise; repeating it with other splits is cheap there. */
function repeatCount(rows: number): number {
  return Math.max(1, Math.min(8, Math.ceil(200 / rows)));
}

/** Mean accuracy and log-loss of each candidate over repeated stratified folds. */
export function crossValidate(variants: HybridVariants, labels: Int32Array, classes: number, idfs: ReadonlyMap<string, Float32Array>, grid: readonly HybridCandidate[], seed: number): CrossValidation {
  const folds = foldCount(labels, classes);
  const repeats = repeatCount(labels.length);
  const totals = grid.map(() => ({ correct: 0, loss: 0 }));
  const outOfFold = grid.map(() => new Float64Array(labels.length * classes));
  const random = seededRandom(seed);
  for (let repeat = 0; repeat < repeats; repeat++) {
    for (const heldOut of stratifiedFolds(labels, classes, folds, random)) {
      const held = new Set(heldOut);
      const trainRows = [...labels.keys()].filter((i) => !held.has(i));
      const folds = new Map([...variants].map(([key, matrix]) => [key, { train: selectRows(matrix, trainRows), test: selectRows(matrix, heldOut) }]));
      const trainLabels = Int32Array.from(trainRows, (i) => labels[i]!);
      // Warm-start along increasing C within one block configuration: each fit starts near its answer.
      let previous: { key: string; params: Float64Array } | null = null;
      grid.forEach((candidate, g) => {
        const key = `${candidate.blocks}:${candidate.backboneScale}:${ngramsKey(candidate.ngrams)}`;
        const { train, test } = folds.get(ngramsKey(candidate.ngrams))!;
        const idf = idfs.get(ngramsKey(candidate.ngrams))!;
        const model = fitLogistic(train, trainLabels, classes, options(candidate, idf, previous?.key === key ? previous.params : undefined));
        previous = { key, params: model.params };
        const probs = predictLogistic(model, test);
        heldOut.forEach((row, i) => {
          let best = 0;
          for (let k = 1; k < classes; k++) if (probs[i * classes + k]! > probs[i * classes + best]!) best = k;
          if (best === labels[row]) totals[g]!.correct += 1;
          totals[g]!.loss -= Math.log(Math.max(1e-12, probs[i * classes + labels[row]!]!));
          if (repeat === 0) outOfFold[g]!.set(probs.subarray(i * classes, (i + 1) * classes), row * classes);
        });
      });
    }
  }
  const seen = labels.length * repeats;
  const scores = grid.map((candidate, g) => ({ ...candidate, accuracy: totals[g]!.correct / seen, logLoss: totals[g]!.loss / seen }));
  return { scores, outOfFold, folds, repeats };
}

/** Both blocks, the backbone at half weight, light regularisation: the candidate that holds up
 * best across sizes when there is too little data to tell candidates apart. */
export const DEFAULT_CANDIDATE: HybridCandidate = { blocks: 'both', ngrams: UNIGRAMS, backboneScale: 0.5, C: 100 };

/**
 * The default candidate unless another beats it by more than one standard error of the
 * cross-validated accuracy: with a dozen labels the winner of a grid is mostly noise, so the
 * choice only moves away from the robust default when the data can show it should.
 */
function choose(scores: readonly ScoredCandidate[], rows: number): number {
  let top = 0;
  scores.forEach((s, i) => {
    const a = scores[top]!;
    if (s.accuracy > a.accuracy + 1e-9 || (Math.abs(s.accuracy - a.accuracy) <= 1e-9 && s.logLoss < a.logLoss)) top = i;
  });
  const fallback = scores.findIndex(
    (s) => s.blocks === DEFAULT_CANDIDATE.blocks && s.backboneScale === DEFAULT_CANDIDATE.backboneScale && s.C === DEFAULT_CANDIDATE.C && ngramsKey(s.ngrams) === ngramsKey(DEFAULT_CANDIDATE.ngrams),
  );
  if (fallback < 0) return top;
  const base = scores[fallback]!.accuracy;
  const standardError = Math.sqrt(Math.max(base * (1 - base), 1 / rows) / rows);
  return scores[top]!.accuracy - base > standardError ? top : fallback;
}

/** The exported head: block weights and IDF folded into one Gemm over the raw blocks. */
function exportSpec(model: LogisticModel, candidate: HybridCandidate, idf: Float32Array): HeadSpec {
  const K = model.classes;
  const inputs = model.denseDim + model.sparseDim;
  const weights = new Float32Array(inputs * K);
  for (let j = 0; j < inputs; j++) {
    const scale = j >= model.denseDim ? idf[j - model.denseDim]! : candidate.backboneScale;
    for (let k = 0; k < K; k++) weights[j * K + k] = model.params[j * K + k]! * scale;
  }
  const bias = Float32Array.from(model.params.subarray(inputs * K, inputs * K + K));
  return { layers: [{ inputs, outputs: K, weights, bias, activation: 'linear' }], output: 'softmax' };
}

/** Chooses blocks, their weights and C by stratified cross-validation, then fits on all rows. */
export function trainHybrid(variants: HybridVariants, labels: Int32Array, classes: number, seed: number, grid: readonly HybridCandidate[] = HYBRID_GRID): HybridResult {
  const idfs = new Map([...variants].map(([key, matrix]) => [key, inverseDocumentFrequency(matrix)]));
  const cv = crossValidate(variants, labels, classes, idfs, grid, seed);
  const chosen = choose(cv.scores, labels.length);
  const choice = cv.scores[chosen]!;
  const key = ngramsKey(choice.ngrams);
  const idf = idfs.get(key)!;
  const model = fitLogistic(variants.get(key)!, labels, classes, options(choice, idf));
  return { ...cv, choice, outOfFold: [cv.outOfFold[chosen]!], model, idf, spec: exportSpec(model, choice, idf) };
}
