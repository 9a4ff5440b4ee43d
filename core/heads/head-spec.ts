/** A dense layer: y = activation(x · weights + bias), weights row-major [inputs, outputs]. */
export interface DenseLayer {
  inputs: number;
  outputs: number;
  weights: Float32Array;
  bias: Float32Array;
  activation: 'relu' | 'linear';
}

/**
 * The head's first step when its input is wide and mostly unused: keep `columns` (ascending) of
 * the concatenated feature input, then divide the kept columns from `norm.start` on by
 * n = sqrt(max(norm.bias + Σ g_i² · norm.weights_i, ε)). With a unit-length hashed block and
 * weights idf_i² − idf_max², bias idf_max², n is the block's TF-IDF L2 norm counting every bucket,
 * kept or not (see trainer/heads/tfidf-rows.ts); the IDF itself is folded into the first layer.
 */
export interface HeadInputSelection {
  /** Width of the concatenated feature input. */
  width: number;
  columns: Int32Array;
  norm?: { start: number; weights: Float32Array; bias: number };
}

/** An adapter head: optional column selection, dense layers, then softmax (multiclass) or sigmoid (multilabel). */
export interface HeadSpec {
  input?: HeadInputSelection;
  layers: DenseLayer[];
  output: 'softmax' | 'sigmoid';
}

/** Guards the norm's square root and division for an all-zero block. */
export const HEAD_NORM_EPSILON = 1e-12;
