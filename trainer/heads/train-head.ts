import type { DenseLayer, HeadSpec } from '../../core/heads/head-spec';
import { seededRandom, shuffle } from '../random';
import { tf } from '../runtime/tf-backend';
import { fitTemperature } from './temperature';

export type TrainableHead = 'linear' | 'mlp';

export interface TrainHeadOptions {
  kind: TrainableHead;
  seed: number;
  /** L2 penalty on the weights (not the biases). */
  l2: number;
  hidden: number;
  learningRate: number;
  batchSize: number;
  maxEpochs: number;
  /** Epochs without a better validation loss before stopping. */
  patience: number;
  /** Weigh each class by n / (K · n_class) so rare classes count as much as common ones. */
  balanceClasses: boolean;
}

export const DEFAULT_TRAIN_OPTIONS: Omit<TrainHeadOptions, 'kind' | 'seed'> = {
  l2: 1e-4,
  hidden: 64,
  learningRate: 0.01,
  batchSize: 64,
  maxEpochs: 200,
  patience: 15,
  balanceClasses: true,
};

export interface EpochRecord {
  epoch: number;
  trainLoss: number;
  validationLoss: number;
  validationAccuracy: number;
}

export interface TrainedHead {
  spec: HeadSpec;
  temperature: number;
  bestEpoch: number;
  history: EpochRecord[];
}

export interface LabelledFeatures {
  features: Float32Array;
  dim: number;
  labels: Int32Array;
  classes: number;
}

/** Glorot-uniform weights from our seeded generator, identical on every backend. */
function glorot(inputs: number, outputs: number, random: () => number): Float32Array {
  const limit = Math.sqrt(6 / (inputs + outputs));
  return Float32Array.from({ length: inputs * outputs }, () => (random() * 2 - 1) * limit);
}

function rows(data: LabelledFeatures, indices: readonly number[]): { x: tf.Tensor2D; y: tf.Tensor2D; labels: Int32Array } {
  const x = new Float32Array(indices.length * data.dim);
  const labels = new Int32Array(indices.length);
  indices.forEach((index, row) => {
    x.set(data.features.subarray(index * data.dim, (index + 1) * data.dim), row * data.dim);
    labels[row] = data.labels[index]!;
  });
  return { x: tf.tensor2d(x, [indices.length, data.dim]), y: tf.oneHot(tf.tensor1d(labels, 'int32'), data.classes) as tf.Tensor2D, labels };
}

function classWeights(data: LabelledFeatures, indices: readonly number[], balance: boolean): tf.Tensor1D {
  const counts = new Float32Array(data.classes);
  for (const i of indices) counts[data.labels[i]!]! += 1;
  return tf.tensor1d(Array.from(counts, (count) => (balance && count > 0 ? indices.length / (data.classes * count) : 1)));
}

/**
 * Trains a linear or one-hidden-layer head with Adam on minibatches, stopping early on the
 * validation loss and keeping the best epoch's weights; then fits a temperature on the validation
 * split and folds it into the last layer. Shuffling and initial weights come from `seed` alone.
 */
export async function trainHead(data: LabelledFeatures, split: { train: number[]; validation: number[] }, options: TrainHeadOptions): Promise<TrainedHead> {
  const random = seededRandom(options.seed);
  const sizes = options.kind === 'mlp' ? [data.dim, options.hidden, data.classes] : [data.dim, data.classes];
  const weights = sizes.slice(1).map((outputs, i) => tf.variable(tf.tensor2d(glorot(sizes[i]!, outputs, random), [sizes[i]!, outputs])));
  const biases = sizes.slice(1).map((outputs) => tf.variable(tf.zeros([outputs])));
  const train = rows(data, split.train);
  const validation = rows(data, split.validation);
  const perClass = classWeights(data, split.train, options.balanceClasses);
  const optimizer = tf.train.adam(options.learningRate);

  const logits = (x: tf.Tensor2D): tf.Tensor2D =>
    weights.reduce<tf.Tensor2D>((h, w, i) => {
      const z = tf.add(tf.matMul(h, w), biases[i]!) as tf.Tensor2D;
      return i < weights.length - 1 ? tf.relu(z) : z;
    }, x);
  const loss = (x: tf.Tensor2D, y: tf.Tensor2D, weighted: boolean): tf.Scalar =>
    tf.tidy(() => {
      const perExample = tf.losses.softmaxCrossEntropy(y, logits(x), undefined, undefined, tf.Reduction.NONE);
      const data = weighted ? tf.div(tf.sum(tf.mul(perExample, tf.matMul(y, perClass.expandDims(1)).squeeze([1]))), y.shape[0]) : tf.mean(perExample);
      const penalty = weights.reduce<tf.Scalar>((sum, w) => tf.add(sum, tf.sum(tf.square(w))), tf.scalar(0));
      return tf.add(data, tf.mul(options.l2, penalty)) as tf.Scalar;
    });

  const snapshot = () => ({ w: weights.map((w) => Float32Array.from(w.dataSync())), b: biases.map((b) => Float32Array.from(b.dataSync())) });
  let best = { loss: Infinity, epoch: 0, params: snapshot() };
  const history: EpochRecord[] = [];
  const order = [...split.train.keys()];
  for (let epoch = 1; epoch <= options.maxEpochs; epoch++) {
    shuffle(order, random);
    let trainLoss = 0;
    for (let start = 0; start < order.length; start += options.batchSize) {
      const batch = tf.tensor1d(order.slice(start, start + options.batchSize), 'int32');
      const cost = optimizer.minimize(() => loss(tf.gather(train.x, batch), tf.gather(train.y, batch), true), true);
      trainLoss += cost!.dataSync()[0]! * batch.shape[0];
      cost!.dispose();
      batch.dispose();
    }
    const [validationLoss, validationAccuracy] = tf.tidy(() => {
      const z = logits(validation.x);
      const accuracy = tf.mean(tf.cast(tf.equal(tf.argMax(z, 1), tf.argMax(validation.y, 1)), 'float32'));
      return [loss(validation.x, validation.y, false).dataSync()[0]!, accuracy.dataSync()[0]!];
    });
    history.push({ epoch, trainLoss: trainLoss / order.length, validationLoss, validationAccuracy });
    if (validationLoss < best.loss - 1e-6) best = { loss: validationLoss, epoch, params: snapshot() };
    else if (epoch - best.epoch >= options.patience) break;
  }

  best.params.w.forEach((w, i) => weights[i]!.assign(tf.tensor2d(w, weights[i]!.shape as [number, number])));
  best.params.b.forEach((b, i) => biases[i]!.assign(tf.tensor1d(b)));
  const validationLogits = tf.tidy(() => logits(validation.x).dataSync().slice() as Float32Array);
  const temperature = fitTemperature(validationLogits, validation.labels, data.classes);

  const layers: DenseLayer[] = sizes.slice(1).map((outputs, i) => {
    const last = i === sizes.length - 2;
    const scale = last ? 1 / temperature : 1;
    return {
      inputs: sizes[i]!,
      outputs,
      weights: best.params.w[i]!.map((v) => v * scale),
      bias: best.params.b[i]!.map((v) => v * scale),
      activation: last ? 'linear' : 'relu',
    };
  });
  tf.dispose([...weights, ...biases, train.x, train.y, validation.x, validation.y, perClass]);
  optimizer.dispose();
  return { spec: { layers, output: 'softmax' }, temperature, bestEpoch: best.epoch, history };
}
