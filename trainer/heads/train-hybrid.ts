import type { HeadSpec } from '../../core/heads/head-spec';
import { bestCandidate, chooseOverDefault, crossValidateLogistic, type FoldTransform, type LogisticCrossValidation } from './cross-validate-logistic';
import type { FeatureMatrix } from './feature-matrix';
import { fitLogistic, predictLogistic, type LogisticModel, type LogisticOptions, weightOf } from './logistic-regression';
import { fitTfidf, tfidfRows, type TfidfFit } from './tfidf-rows';

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

export interface CrossValidation extends Omit<LogisticCrossValidation, 'scores'> {
  scores: ScoredCandidate[];
}

export interface HybridResult extends CrossValidation {
  choice: ScoredCandidate;
  model: LogisticModel;
  tfidf: TfidfFit;
  spec: HeadSpec;
}

/** Bytes of head weights a tenant's hybrid may take: it bounds the lexical columns kept. */
const HEAD_BYTES_BUDGET = 2 * 1024 * 1024;

/** Most hashed columns the head keeps for `classes` outputs (weights, IDF term and index each). */
function keptColumnBudget(classes: number): number {
  return Math.floor(HEAD_BYTES_BUDGET / (4 * (classes + 2)));
}

function options(candidate: HybridCandidate): LogisticOptions {
  // The rows are already TF-IDF weighted (tfidfRows).
  return {
    C: candidate.C,
    denseScale: candidate.blocks === 'ngrams' ? 0 : candidate.backboneScale,
    sparse: candidate.blocks !== 'backbone',
    balanced: true,
  };
}

/** Mean accuracy and log-loss of each candidate over repeated stratified folds; IDF and kept
 * columns are fitted on each fold's training rows, as the final head's are on all rows. */
export function crossValidate(variants: HybridVariants, labels: Int32Array, classes: number, grid: readonly HybridCandidate[], seed: number): CrossValidation {
  const tfidf: FoldTransform = (train, test) => {
    const fit = fitTfidf(train, keptColumnBudget(classes));
    return { train: tfidfRows(train, fit), test: tfidfRows(test, fit) };
  };
  const candidates = grid.map((candidate) => {
    const key = ngramsKey(candidate.ngrams);
    return { matrix: key, options: options(candidate) };
  });
  const cv = crossValidateLogistic(variants, labels, classes, candidates, seed, tfidf);
  return { ...cv, scores: grid.map((candidate, g) => ({ ...candidate, ...cv.scores[g]! })) };
}

/** Both blocks, the backbone at half weight, light regularisation: the candidate that holds up
 * best across sizes when there is too little data to tell candidates apart. */
export const DEFAULT_CANDIDATE: HybridCandidate = { blocks: 'both', ngrams: UNIGRAMS, backboneScale: 0.5, C: 100 };

/** Below this many labelled rows the default stands: on our learning curves, grid winners on
 * fewer rows (64 per class of two) were luck as often as not and lost half a point on average,
 * even when they led by more than a standard error. */
const MIN_ROWS_TO_SWITCH = 200;

function choose(cv: CrossValidation): number {
  const fallback = cv.scores.findIndex(
    (s) => s.blocks === DEFAULT_CANDIDATE.blocks && s.backboneScale === DEFAULT_CANDIDATE.backboneScale && s.C === DEFAULT_CANDIDATE.C && ngramsKey(s.ngrams) === ngramsKey(DEFAULT_CANDIDATE.ngrams),
  );
  return fallback < 0 ? bestCandidate(cv.scores) : chooseOverDefault(cv, fallback, MIN_ROWS_TO_SWITCH);
}

/**
 * The exported head: a Gather of the backbone columns and the kept hashed columns, the TF-IDF
 * norm over the latter (HeadInputSelection), then one Gemm with block weight and IDF folded in.
 */
function exportSpec(model: LogisticModel, candidate: HybridCandidate, fit: TfidfFit, backboneDim: number): HeadSpec {
  const K = model.classes;
  const dense = candidate.blocks === 'ngrams' ? 0 : backboneDim;
  const lexical = candidate.blocks === 'backbone' ? new Int32Array(0) : fit.kept;
  const columns = new Int32Array(dense + lexical.length);
  const weights = new Float32Array(columns.length * K);
  for (let j = 0; j < dense; j++) {
    columns[j] = j;
    for (let k = 0; k < K; k++) weights[j * K + k] = weightOf(model, j, k) * candidate.backboneScale;
  }
  lexical.forEach((c, i) => {
    const row = dense + i;
    columns[row] = dense + c;
    for (let k = 0; k < K; k++) weights[row * K + k] = weightOf(model, model.denseDim + c, k) * fit.idf[c]!;
  });
  const max2 = fit.max * fit.max;
  const bias = Float32Array.from(model.params.subarray(model.active.length * K));
  const width = dense + (candidate.blocks === 'backbone' ? 0 : model.sparseDim);
  const norm = lexical.length > 0 ? { start: dense, weights: Float32Array.from(lexical, (c) => fit.idf[c]! * fit.idf[c]! - max2), bias: max2 } : undefined;
  return {
    // The backbone alone keeps every column: no selection.
    ...(norm ? { input: { width, columns, norm } } : {}),
    layers: [{ inputs: columns.length, outputs: K, weights, bias, activation: 'linear' }],
    output: 'softmax',
  };
}

/** Class probabilities [rows × K] of the fitted head on raw (untransformed) rows of its variant. */
export function hybridProbabilities(result: HybridResult, matrix: FeatureMatrix): Float64Array {
  return predictLogistic(result.model, tfidfRows(matrix, result.tfidf));
}

/** Chooses blocks, their weights and C by stratified cross-validation, then fits on all rows. */
export function trainHybrid(variants: HybridVariants, labels: Int32Array, classes: number, seed: number, grid: readonly HybridCandidate[] = HYBRID_GRID): HybridResult {
  const cv = crossValidate(variants, labels, classes, grid, seed);
  const chosen = choose(cv);
  const choice = cv.scores[chosen]!;
  const matrix = variants.get(ngramsKey(choice.ngrams))!;
  const tfidf = fitTfidf(matrix, keptColumnBudget(classes));
  const rows = tfidfRows(matrix, tfidf);
  const model = fitLogistic(rows, labels, classes, options(choice));
  return { ...cv, choice, rowAccuracy: [cv.rowAccuracy[chosen]!], outOfFold: [cv.outOfFold[chosen]!], model, tfidf, spec: exportSpec(model, choice, tfidf, matrix.dense?.dim ?? 0) };
}
