import type { FeatureMatrix } from './feature-matrix';

/** IDF of the hashed block fitted on training rows, and the columns a head keeps. */
export interface TfidfFit {
  /** Per column, ln((1 + n) / (1 + df)) + 1 as in scikit-learn; `max` for columns not kept. */
  idf: Float32Array;
  /** IDF of a column no training row uses, ln(1 + n) + 1. */
  max: number;
  /** Kept columns, ascending: those the training rows use, the most frequent when over budget. */
  kept: Int32Array;
}

/** IDF from the training rows; at most `maxColumns` kept, by document frequency. */
export function fitTfidf(matrix: FeatureMatrix, maxColumns: number): TfidfFit {
  const sparse = matrix.sparse!;
  const df = new Int32Array(sparse.dim);
  // Distinct columns as met: O(non-zeros), not O(buckets), since folds of a few texts are common.
  let kept: number[] = [];
  for (let p = 0; p < sparse.indices.length; p++) if (df[sparse.indices[p]!]!++ === 0) kept.push(sparse.indices[p]!);
  kept.sort((a, b) => a - b);
  if (kept.length > maxColumns) kept = kept.sort((a, b) => df[b]! - df[a]! || a - b).slice(0, maxColumns).sort((a, b) => a - b);
  const max = Math.log(1 + matrix.rows) + 1;
  const idf = new Float32Array(sparse.dim).fill(max);
  for (const c of kept) idf[c] = Math.log((1 + matrix.rows) / (1 + df[c]!)) + 1;
  return { idf, max, kept: Int32Array.from(kept) };
}

/**
 * The rows as the exported head sees them: kept columns only, each value × its IDF, divided by
 * the TF-IDF norm of the whole (unit-length) hashed vector. Columns the head does not keep count
 * in that norm at the largest IDF, so that the head can compute it from kept columns alone:
 * n² = max² + Σ_kept v² (idf² − max²), since Σ_all v² = 1 (core/text/hashed-ngrams).
 */
export function tfidfRows(matrix: FeatureMatrix, fit: TfidfFit): FeatureMatrix {
  const { rowStart, indices, values, dim } = matrix.sparse!;
  const keep = new Uint8Array(dim);
  for (const c of fit.kept) keep[c] = 1;
  const max2 = fit.max * fit.max;
  const starts = new Int32Array(matrix.rows + 1);
  const outIndices: number[] = [];
  const outValues: number[] = [];
  for (let r = 0; r < matrix.rows; r++) {
    let sum = max2;
    for (let p = rowStart[r]!; p < rowStart[r + 1]!; p++) {
      const c = indices[p]!;
      if (keep[c]) sum += values[p]! * values[p]! * (fit.idf[c]! * fit.idf[c]! - max2);
    }
    const n = Math.sqrt(Math.max(sum, 1e-12));
    for (let p = rowStart[r]!; p < rowStart[r + 1]!; p++) {
      const c = indices[p]!;
      if (!keep[c]) continue;
      outIndices.push(c);
      outValues.push((values[p]! * fit.idf[c]!) / n);
    }
    starts[r + 1] = outIndices.length;
  }
  return { ...matrix, sparse: { dim, rowStart: starts, indices: Int32Array.from(outIndices), values: Float32Array.from(outValues) } };
}
