import { tf } from '../../../trainer/runtime/tf-backend';

/** Column means and standard deviations of the training rows, to standardise both sets alike. */
function standardiser(x: Float32Array, rows: number, dim: number): (m: Float32Array, n: number) => Float32Array {
  const mean = new Float64Array(dim);
  const sq = new Float64Array(dim);
  for (let r = 0; r < rows; r++) {
    for (let d = 0; d < dim; d++) {
      const v = x[r * dim + d]!;
      mean[d] = mean[d]! + v;
      sq[d] = sq[d]! + v * v;
    }
  }
  const std = new Float64Array(dim);
  for (let d = 0; d < dim; d++) {
    mean[d] = mean[d]! / rows;
    std[d] = Math.sqrt(Math.max(sq[d]! / rows - mean[d]! ** 2, 0)) + 1e-3;
  }
  return (m, n) => {
    const out = new Float32Array(n * dim);
    for (let r = 0; r < n; r++) for (let d = 0; d < dim; d++) out[r * dim + d] = (m[r * dim + d]! - mean[d]!) / std[d]!;
    return out;
  };
}

/** Share of rows whose most probable class is the label. */
export function accuracy(probs: Float32Array, labels: readonly number[], classes: number): number {
  let right = 0;
  labels.forEach((label, r) => {
    let best = 0;
    for (let k = 1; k < classes; k++) if (probs[r * classes + k]! > probs[r * classes + best]!) best = k;
    if (best === label) right++;
  });
  return right / labels.length;
}

/**
 * Multinomial logistic regression on standardised features, L2 penalty `l2` (mean loss + l2·|W|²),
 * full-batch Adam for a fixed number of steps: no validation split exists at 1 label per class.
 */
export async function logisticRegression(
  train: { x: Float32Array; y: number[] },
  test: { x: Float32Array; y: number[] },
  dim: number,
  opts: { l2: number; steps?: number; seed: number },
): Promise<number> {
  const classes = 10;
  const scale = standardiser(train.x, train.y.length, dim);
  const xs = tf.tensor2d(scale(train.x, train.y.length), [train.y.length, dim]);
  const ys = tf.oneHot(tf.tensor1d(train.y, 'int32'), classes).toFloat();
  const w = tf.variable(tf.zeros([dim, classes]));
  const b = tf.variable(tf.zeros([classes]));
  const optimizer = tf.train.adam(0.05);
  for (let step = 0; step < (opts.steps ?? 100); step++) {
    optimizer.minimize(() => tf.losses.softmaxCrossEntropy(ys, tf.add(tf.matMul(xs, w), b)).add(tf.mul(opts.l2, tf.sum(tf.square(w)))) as tf.Scalar);
  }
  const xt = tf.tensor2d(scale(test.x, test.y.length), [test.y.length, dim]);
  const probs = tf.tidy(() => tf.softmax(tf.add(tf.matMul(xt, w), b)).dataSync() as Float32Array);
  tf.dispose([xs, ys, w, b, xt]);
  optimizer.dispose();
  return accuracy(probs, test.y, classes);
}

/**
 * A small CNN trained from scratch on the 28 × 28 pixels: two strided convolutions (8 then 16
 * channels) and a softmax layer. Strided rather than pooled, so it trains in seconds on
 * TensorFlow.js's CPU backend (the wasm backend has no convolution gradients), ~40 Adam steps.
 */
export async function smallCnn(train: { x: Float32Array; y: number[] }, test: { x: Float32Array; y: number[] }, seed: number): Promise<number> {
  const previous = tf.getBackend();
  await tf.setBackend('cpu');
  try {
    return await trainCnn(train, test, seed);
  } finally {
    await tf.setBackend(previous);
  }
}

async function trainCnn(train: { x: Float32Array; y: number[] }, test: { x: Float32Array; y: number[] }, seed: number): Promise<number> {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 8, kernelSize: 5, strides: 2, activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed }) }),
      tf.layers.conv2d({ filters: 16, kernelSize: 3, strides: 2, activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed: seed + 1 }) }),
      tf.layers.flatten(),
      tf.layers.dropout({ rate: 0.3, seed }),
      tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 2 }) }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(0.003), loss: 'categoricalCrossentropy' });
  const n = train.y.length;
  const xs = tf.tensor4d(train.x, [n, 28, 28, 1]);
  const ys = tf.oneHot(tf.tensor1d(train.y, 'int32'), 10).toFloat();
  // About 40 gradient steps whatever n, so tiny sets are not under-trained nor big ones slow.
  const batchSize = 32;
  const epochs = Math.max(5, Math.min(40, Math.round(40 / Math.ceil(n / batchSize))));
  await model.fit(xs, ys, { epochs, batchSize, shuffle: true, verbose: 0 });
  const xt = tf.tensor4d(test.x, [test.y.length, 28, 28, 1]);
  const probs = tf.tidy(() => (model.predict(xt) as tf.Tensor).dataSync() as Float32Array);
  tf.dispose([xs, ys, xt]);
  model.dispose();
  return accuracy(probs, test.y, 10);
}
