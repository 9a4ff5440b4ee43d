/**
 * Training features for a set of examples: an optional dense block (backbone embeddings) and an
 * optional sparse block (hashed n-grams, CSR), side by side as the head's input will be.
 */
export interface FeatureMatrix {
  rows: number;
  dense: { dim: number; values: Float32Array } | null;
  sparse: { dim: number; rowStart: Int32Array; indices: Int32Array; values: Float32Array } | null;
}

/** The same matrix restricted to `rows`, in that order. */
export function selectRows(matrix: FeatureMatrix, rows: readonly number[]): FeatureMatrix {
  let dense: FeatureMatrix['dense'] = null;
  if (matrix.dense) {
    const { dim, values } = matrix.dense;
    const out = new Float32Array(rows.length * dim);
    rows.forEach((r, i) => out.set(values.subarray(r * dim, (r + 1) * dim), i * dim));
    dense = { dim, values: out };
  }
  let sparse: FeatureMatrix['sparse'] = null;
  if (matrix.sparse) {
    const { dim, rowStart, indices, values } = matrix.sparse;
    const starts = new Int32Array(rows.length + 1);
    rows.forEach((r, i) => (starts[i + 1] = starts[i]! + rowStart[r + 1]! - rowStart[r]!));
    const outIndices = new Int32Array(starts[rows.length]!);
    const outValues = new Float32Array(starts[rows.length]!);
    rows.forEach((r, i) => {
      outIndices.set(indices.subarray(rowStart[r]!, rowStart[r + 1]!), starts[i]!);
      outValues.set(values.subarray(rowStart[r]!, rowStart[r + 1]!), starts[i]!);
    });
    sparse = { dim, rowStart: starts, indices: outIndices, values: outValues };
  }
  return { rows: rows.length, dense, sparse };
}
