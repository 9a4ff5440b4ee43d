/** A dense layer: y = activation(x · weights + bias), weights row-major [inputs, outputs]. */
export interface DenseLayer {
  inputs: number;
  outputs: number;
  weights: Float32Array;
  bias: Float32Array;
  activation: 'relu' | 'linear';
}

/** An adapter head: dense layers, then softmax (multiclass) or sigmoid (multilabel). */
export interface HeadSpec {
  layers: DenseLayer[];
  output: 'softmax' | 'sigmoid';
}
