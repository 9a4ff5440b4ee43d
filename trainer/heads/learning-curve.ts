import { seededRandom, shuffle } from '../random';
import { selectRows, type FeatureMatrix } from './feature-matrix';
import { crossValidate, ngramsKey, type ScoredCandidate } from './train-hybrid';

export interface CurvePoint {
  fraction: number;
  examples: number;
  accuracy: number;
}

export const CURVE_FRACTIONS = [0.25, 0.5, 0.75, 1];

/** Cross-validated accuracy of one candidate on growing stratified subsets of the tenant's labels;
 * on all of them it is the candidate's score from the grid's cross-validation (same folds). */
export function learningCurve(matrix: FeatureMatrix, labels: Int32Array, classes: number, candidate: ScoredCandidate, seed: number): CurvePoint[] {
  const byClass: number[][] = Array.from({ length: classes }, () => []);
  const random = seededRandom(seed);
  labels.forEach((label, i) => byClass[label]!.push(i));
  byClass.forEach((members) => shuffle(members, random));
  const points: CurvePoint[] = [];
  for (const fraction of CURVE_FRACTIONS) {
    // Every class keeps at least two examples so the folds stay stratified.
    if (fraction === 1) {
      points.push({ fraction, examples: labels.length, accuracy: candidate.accuracy });
      continue;
    }
    const rows = byClass.flatMap((members) => members.slice(0, Math.max(2, Math.round(members.length * fraction)))).sort((a, b) => a - b);
    const subset = Int32Array.from(rows, (i) => labels[i]!);
    const key = ngramsKey(candidate.ngrams);
    const { scores } = crossValidate(new Map([[key, selectRows(matrix, rows)]]), subset, classes, [candidate], seed);
    points.push({ fraction, examples: rows.length, accuracy: scores[0]!.accuracy });
  }
  return points;
}

/** One sentence on what labelling more would likely buy: accuracy against log(examples),
 * extrapolated to twice the labels. */
export function curveAdvice(points: readonly CurvePoint[]): string {
  const xs = points.map((p) => Math.log(p.examples));
  const ys = points.map((p) => p.accuracy);
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  const sxx = xs.reduce((a, x) => a + (x - mx) ** 2, 0);
  const slope = sxx > 0 ? xs.reduce((a, x, i) => a + (x - mx) * (ys[i]! - my), 0) / sxx : 0;
  const last = points.at(-1)!;
  const gain = Math.max(0, Math.min(1 - last.accuracy, slope * Math.log(2)));
  const now = (last.accuracy * 100).toFixed(1);
  if (gain < 0.01) {
    return `Accuracy has levelled off at about ${now} %: labelling more examples of the same kind will likely add less than a point; cleaner labels or clearer label definitions will help more.`;
  }
  return `Doubling the labelled examples (to about ${last.examples * 2}) would likely raise accuracy from ${now} % to about ${((last.accuracy + gain) * 100).toFixed(1)} % (+${(gain * 100).toFixed(1)} points).`;
}
