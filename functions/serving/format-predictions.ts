import type { AdapterManifest } from '../../core/schemas/adapter-manifest';

export interface Prediction {
  label: string;
  score: number;
  labels?: string[];
  scores?: Record<string, number>;
}

/** Multilabel default when the manifest names no threshold: the usual decision boundary. */
const DEFAULT_THRESHOLD = 0.5;

/** One prediction per row of `probs [rows, K]`. Scores are served as the head computed them. */
export function formatPredictions(manifest: AdapterManifest, probs: Float32Array, rows: number, topK?: number): Prediction[] {
  const { labels } = manifest;
  const k = labels.length;
  const threshold = manifest.threshold ?? DEFAULT_THRESHOLD;
  const order = topK === undefined ? undefined : Array.from({ length: k }, (_, i) => i);
  const predictions: Prediction[] = [];
  for (let row = 0; row < rows; row++) {
    const p = probs.subarray(row * k, (row + 1) * k);
    let best = 0;
    for (let i = 1; i < k; i++) if (p[i]! > p[best]!) best = i;
    const prediction: Prediction = { label: labels[best]!, score: p[best]! };
    if (manifest.task === 'multilabel') prediction.labels = labels.filter((_, i) => p[i]! >= threshold);
    if (order && topK !== undefined) {
      order.sort((a, b) => p[b]! - p[a]! || a - b);
      prediction.scores = Object.fromEntries(order.slice(0, topK).map((i) => [labels[i]!, p[i]!]));
    }
    predictions.push(prediction);
  }
  return predictions;
}
