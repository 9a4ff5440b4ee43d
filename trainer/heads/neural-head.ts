import type { BackboneFeature } from '../../core/schemas/feature-block';
import { argmaxRows, classificationMetrics } from '../eval/classification-metrics';
import { seededRandom } from '../random';
import { tfBackend } from '../runtime/tf-backend';
import type { HeadOutcome } from './head-outcome';
import { stratifiedSplit } from './stratified-split';
import { tfHeadProbs } from './tf-head-probs';
import { DEFAULT_TRAIN_OPTIONS, trainHead, type TrainableHead } from './train-head';

export interface NeuralHeadOptions {
  kind: TrainableHead;
  seed: number;
  epochs: number;
  l2: number;
  validation: number;
  /** Progress lines for the user (silent in --json mode). */
  say: (line: string) => void;
}

/** A `linear` or `mlp` head in TensorFlow.js on backbone features, judged on a held-out split. */
export async function neuralHead(backbone: BackboneFeature, embeddings: Float32Array, labels: Int32Array, names: readonly string[], options: NeuralHeadOptions): Promise<HeadOutcome> {
  const dim = backbone.dim;
  const classes = names.length;
  const backend = await tfBackend();
  options.say(`TensorFlow.js backend: ${backend}`);
  const split = stratifiedSplit(labels, classes, options.validation, seededRandom(options.seed));
  const trained = await trainHead(
    { features: embeddings, dim, labels, classes },
    split,
    { ...DEFAULT_TRAIN_OPTIONS, kind: options.kind, seed: options.seed, maxEpochs: options.epochs, l2: options.l2 },
  );
  const rows = new Float32Array(split.validation.length * dim);
  split.validation.forEach((index, row) => rows.set(embeddings.subarray(index * dim, (index + 1) * dim), row * dim));
  const probs = tfHeadProbs(trained.spec, rows, split.validation.length);
  return {
    spec: trained.spec,
    blocks: [backbone],
    metrics: classificationMetrics(split.validation.map((i) => labels[i]!), argmaxRows(probs, classes), names),
    training: {
      evaluation: `held-out split (${Math.round(options.validation * 100)} % of each class)`,
      tf_backend: backend,
      train_examples: split.train.length,
      validation_examples: split.validation.length,
      epochs_run: trained.history.length,
      best_epoch: trained.bestEpoch,
      l2: options.l2,
      temperature: trained.temperature,
    },
    history: trained.history,
    reportSections: [],
    reference: { features: rows, rows: split.validation.length, probs },
  };
}
