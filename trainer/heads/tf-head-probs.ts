import type { HeadSpec } from '../../core/heads/head-spec';
import { tf } from '../runtime/tf-backend';

/** TensorFlow.js's probabilities for a head spec: the reference the ONNX export must match. */
export function tfHeadProbs(spec: HeadSpec, features: Float32Array, rows: number): Float32Array {
  return tf.tidy(() => {
    let x: tf.Tensor2D = tf.tensor2d(features, [rows, spec.layers[0]!.inputs]);
    for (const layer of spec.layers) {
      x = tf.add(tf.matMul(x, tf.tensor2d(layer.weights, [layer.inputs, layer.outputs])), tf.tensor1d(layer.bias)) as tf.Tensor2D;
      if (layer.activation === 'relu') x = tf.relu(x);
    }
    const probs = spec.output === 'softmax' ? tf.softmax(x) : tf.sigmoid(x);
    return Float32Array.from(probs.dataSync());
  });
}

export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let max = a.length === b.length ? 0 : Infinity;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}
