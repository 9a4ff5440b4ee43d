import { tokenize } from '../../../core/text/tokenize';
import type { FeatureMatrix } from '../../../trainer/heads/feature-matrix';

/**
 * scikit-learn's TfidfVectorizer defaults as a from-scratch baseline: a vocabulary fitted on the
 * labelled texts only, raw term counts, smoothed IDF, L2-normalised rows.
 */
export function fitTfidf(trainTexts: readonly string[]): (texts: readonly string[]) => NonNullable<FeatureMatrix['sparse']> {
  const vocabulary = new Map<string, number>();
  const df: number[] = [];
  for (const text of trainTexts) {
    for (const token of new Set(tokenize(text))) {
      let id = vocabulary.get(token);
      if (id === undefined) vocabulary.set(token, (id = vocabulary.size));
      df[id] = (df[id] ?? 0) + 1;
    }
  }
  const idf = df.map((d) => Math.log((1 + trainTexts.length) / (1 + d)) + 1);
  return (texts) => {
    const rowStart = new Int32Array(texts.length + 1);
    const indices: number[] = [];
    const values: number[] = [];
    texts.forEach((text, r) => {
      const tf = new Map<number, number>();
      for (const token of tokenize(text)) {
        const id = vocabulary.get(token);
        if (id !== undefined) tf.set(id, (tf.get(id) ?? 0) + 1);
      }
      const ids = [...tf.keys()].sort((a, b) => a - b);
      const weights = ids.map((id) => tf.get(id)! * idf[id]!);
      const norm = Math.hypot(...weights) || 1;
      ids.forEach((id, i) => {
        indices.push(id);
        values.push(weights[i]! / norm);
      });
      rowStart[r + 1] = indices.length;
    });
    return { dim: Math.max(1, vocabulary.size), rowStart, indices: Int32Array.from(indices), values: Float32Array.from(values) };
  };
}
