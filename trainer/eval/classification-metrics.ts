import type { Metrics } from '../../core/schemas/metrics';

const round = (x: number) => Math.round(x * 1e4) / 1e4;

/** Accuracy, macro-F1, per-class precision/recall/F1 and the confusion matrix (rows: truth). */
export function classificationMetrics(truth: ArrayLike<number>, predicted: ArrayLike<number>, labels: readonly string[]): Metrics {
  const k = labels.length;
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  let correct = 0;
  for (let i = 0; i < truth.length; i++) {
    confusion[truth[i]!]![predicted[i]!]! += 1;
    if (truth[i] === predicted[i]) correct += 1;
  }
  const perClass: Metrics['per_class'] = {};
  let f1Sum = 0;
  labels.forEach((label, c) => {
    const tp = confusion[c]![c]!;
    const support = confusion[c]!.reduce((a, b) => a + b, 0);
    const predictedAs = confusion.reduce((sum, row) => sum + row[c]!, 0);
    const precision = predictedAs ? tp / predictedAs : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    f1Sum += f1;
    perClass[label] = { precision: round(precision), recall: round(recall), f1: round(f1), support };
  });
  return {
    examples: truth.length,
    accuracy: round(truth.length ? correct / truth.length : 0),
    macro_f1: round(k ? f1Sum / k : 0),
    per_class: perClass,
    confusion,
  };
}

/** Index of the largest probability in each row of a [N, K] matrix. */
export function argmaxRows(probs: Float32Array, classes: number): Int32Array {
  const out = new Int32Array(probs.length / classes);
  for (let row = 0; row < out.length; row++) {
    let best = 0;
    for (let k = 1; k < classes; k++) if (probs[row * classes + k]! > probs[row * classes + best]!) best = k;
    out[row] = best;
  }
  return out;
}
