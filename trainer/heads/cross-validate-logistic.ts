import { seededRandom } from '../random';
import { selectRows, type FeatureMatrix } from './feature-matrix';
import { fitLogistic, predictLogistic, type LogisticModel, type LogisticOptions } from './logistic-regression';
import { stratifiedFolds } from './stratified-split';

/** One point of a grid: the matrix it reads (a key of the matrices given) and how it fits it. */
export interface LogisticCandidate {
  matrix: string;
  options: Omit<LogisticOptions, 'init'>;
}

export interface LogisticCrossValidation {
  /** Mean held-out accuracy and log-loss of each candidate over every fold of every repetition. */
  scores: { accuracy: number; logLoss: number }[];
  /** Per candidate, how often each row was predicted right across the repetitions (0…1). */
  rowAccuracy: Float64Array[];
  /** Out-of-fold probabilities [rows × K] of each candidate, from the first repetition. */
  outOfFold: Float64Array[];
  folds: number;
  repeats: number;
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

/** Anything fitted on a fold's training rows (IDF, kept columns) and applied to both sides. */
export type FoldTransform = (train: FeatureMatrix, test: FeatureMatrix) => { train: FeatureMatrix; test: FeatureMatrix };

const sameScales = (a: LogisticCandidate['options'], b: LogisticCandidate['options']) => a.denseScale === b.denseScale && a.sparse === b.sparse;

/**
 * Stratified k-fold cross-validation of a grid of logistic regressions, repeated on small sets.
 * A candidate that differs from the one before it only in C warm-starts from its fit: order
 * them by increasing C.
 */
export function crossValidateLogistic(
  matrices: ReadonlyMap<string, FeatureMatrix>,
  labels: Int32Array,
  classes: number,
  candidates: readonly LogisticCandidate[],
  seed: number,
  transform: FoldTransform = (train, test) => ({ train, test }),
): LogisticCrossValidation {
  const folds = foldCount(labels, classes);
  const repeats = repeatCount(labels.length);
  const totals = candidates.map(() => ({ correct: 0, loss: 0 }));
  const rowAccuracy = candidates.map(() => new Float64Array(labels.length));
  const outOfFold = candidates.map(() => new Float64Array(labels.length * classes));
  const random = seededRandom(seed);
  for (let repeat = 0; repeat < repeats; repeat++) {
    for (const heldOut of stratifiedFolds(labels, classes, folds, random)) {
      const held = new Set(heldOut);
      const trainRows = [...labels.keys()].filter((i) => !held.has(i));
      const trainLabels = Int32Array.from(trainRows, (i) => labels[i]!);
      const split = new Map([...matrices].map(([key, matrix]) => [key, transform(selectRows(matrix, trainRows), selectRows(matrix, heldOut))]));
      let previous: { candidate: LogisticCandidate; model: LogisticModel } | null = null;
      candidates.forEach((candidate, g) => {
        const { train, test } = split.get(candidate.matrix)!;
        const warm = previous?.candidate.matrix === candidate.matrix && sameScales(previous.candidate.options, candidate.options);
        const model = fitLogistic(train, trainLabels, classes, { ...candidate.options, init: warm ? previous!.model : undefined });
        previous = { candidate, model };
        const probs = predictLogistic(model, test);
        heldOut.forEach((row, i) => {
          let best = 0;
          for (let k = 1; k < classes; k++) if (probs[i * classes + k]! > probs[i * classes + best]!) best = k;
          if (best === labels[row]) {
            totals[g]!.correct += 1;
            rowAccuracy[g]![row]! += 1 / repeats;
          }
          totals[g]!.loss -= Math.log(Math.max(1e-12, probs[i * classes + labels[row]!]!));
          if (repeat === 0) outOfFold[g]!.set(probs.subarray(i * classes, (i + 1) * classes), row * classes);
        });
      });
    }
  }
  const seen = labels.length * repeats;
  return { scores: totals.map((t) => ({ accuracy: t.correct / seen, logLoss: t.loss / seen })), rowAccuracy, outOfFold, folds, repeats };
}

/** The most accurate candidate; the lower log-loss breaks ties. */
export function bestCandidate(scores: readonly { accuracy: number; logLoss: number }[]): number {
  let top = 0;
  scores.forEach((s, i) => {
    const a = scores[top]!;
    if (s.accuracy > a.accuracy + 1e-9 || (Math.abs(s.accuracy - a.accuracy) <= 1e-9 && s.logLoss < a.logLoss)) top = i;
  });
  return top;
}

/**
 * The default candidate unless the best one beats it by more than one standard error of the
 * paired, row-by-row difference in cross-validated accuracy, on at least `minRows` rows: on a
 * few dozen labels the winner of a grid is mostly noise, so the choice moves only when the data
 * can show it should.
 */
export function chooseOverDefault(cv: Pick<LogisticCrossValidation, 'scores' | 'rowAccuracy'>, defaultIndex: number, minRows = 0): number {
  const { rowAccuracy } = cv;
  const top = bestCandidate(cv.scores);
  if (top === defaultIndex) return top;
  const n = rowAccuracy[top]!.length;
  if (n < minRows) return defaultIndex;
  const diffs = Array.from(rowAccuracy[top]!, (a, r) => a - rowAccuracy[defaultIndex]![r]!);
  const mean = diffs.reduce((sum, d) => sum + d, 0) / n;
  const variance = diffs.reduce((sum, d) => sum + (d - mean) ** 2, 0) / Math.max(1, n - 1);
  return mean > Math.sqrt(variance / n) ? top : defaultIndex;
}
