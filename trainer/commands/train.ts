import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { headModel } from '../../core/heads/head-model';
import { sha256Hex } from '../../core/hash/sha256';
import { ADAPTER_FORMAT, AdapterManifest, HeadKind } from '../../core/schemas/adapter-manifest';
import type { FeatureBlock } from '../../core/schemas/feature-block';
import { Slug } from '../../core/schemas/common';
import { ADAPTER_FILES } from '../adapters/local-adapter';
import { runHead } from '../adapters/run-head';
import { DEFAULT_BACKBONE } from '../backbones/known-backbones';
import { loadTextEmbedder } from '../backbones/load-backbone';
import { parseFlags } from '../cli/parse-flags';
import { checkTextDataset } from '../data/check-text-dataset';
import { loadTextDataset } from '../data/load-text-dataset';
import { argmaxRows, classificationMetrics } from '../eval/classification-metrics';
import { extractFeatures } from '../features/extract-features';
import { writeFolderAtomically } from '../fs/write-folder-atomically';
import { stratifiedSplit } from '../heads/stratified-split';
import { DEFAULT_TRAIN_OPTIONS, trainHead } from '../heads/train-head';
import { maxAbsDiff, tfHeadProbs } from '../heads/tf-head-probs';
import { seededRandom } from '../random';
import { reportHtml } from '../report/report-html';
import { tfBackend } from '../runtime/tf-backend';
import { uploadFolder } from '../storage/s3-folder';

export const TRAIN_HELP = `graft train --data <csv|jsonl|dir|s3://…> --out <dir|s3://…> [options]
  --backbone <id>        frozen backbone (default ${DEFAULT_BACKBONE})
  --text-column <name>   CSV/JSONL text column (default text)
  --label-column <name>  CSV/JSONL label column (default label)
  --head linear|mlp      adapter head (default linear)
  --name <name>          adapter name (default: the --out folder's name)
  --seed <n>             seed for the split, initial weights and shuffling (default 42)
  --validation <f>       share of each class held out for validation (default 0.2)
  --epochs <n>           most epochs (default ${DEFAULT_TRAIN_OPTIONS.maxEpochs}); early stopping usually ends sooner
  --l2 <x>               L2 penalty on the weights (default ${DEFAULT_TRAIN_OPTIONS.l2})
  --s3-endpoint <url>    S3-compatible endpoint (R2, MinIO) for s3:// data or output
  --json                 print the result as JSON`;

const Flags = z.object({
  data: z.string({ error: 'is required' }).min(1),
  out: z.string({ error: 'is required' }).min(1),
  backbone: z.string().default(DEFAULT_BACKBONE),
  textColumn: z.string().optional(),
  labelColumn: z.string().optional(),
  head: HeadKind.exclude(['hybrid']).default('linear'),
  name: Slug.optional(),
  seed: z.coerce.number().int().nonnegative().default(42),
  validation: z.coerce.number().gt(0).lt(1).default(0.2),
  epochs: z.coerce.number().int().positive().max(10_000).default(DEFAULT_TRAIN_OPTIONS.maxEpochs),
  l2: z.coerce.number().nonnegative().default(DEFAULT_TRAIN_OPTIONS.l2),
  s3Endpoint: z.url().optional(),
  json: z.boolean().default(false),
});

const EXPORT_TOLERANCE = 1e-5;

const FLAG_KINDS = {
  data: 'string', out: 'string', backbone: 'string', 'text-column': 'string', 'label-column': 'string', head: 'string',
  name: 'string', seed: 'string', validation: 'string', epochs: 'string', l2: 'string', 's3-endpoint': 'string', json: 'boolean',
} as const;

function defaultName(out: string): string {
  const base = path.basename(out.replace(/\/+$/, '')).toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z0-9]+/, '');
  return Slug.safeParse(base).success ? base : 'adapter';
}

export async function trainCommand(argv: readonly string[]): Promise<void> {
  const { flags } = parseFlags('train', argv, FLAG_KINDS, Flags);
  const started = Date.now();
  const say = (line: string) => {
    if (!flags.json) console.error(line);
  };

  const dataset = await loadTextDataset(flags.data, { textColumn: flags.textColumn, labelColumn: flags.labelColumn, s3Endpoint: flags.s3Endpoint });
  checkTextDataset(dataset);
  const backend = await tfBackend();
  const { embedder, provider } = await loadTextEmbedder(flags.backbone);
  say(`graft train: ${dataset.examples.length} examples, ${dataset.labels.length} labels · TensorFlow.js backend: ${backend} · ONNX Runtime: onnxruntime-node (${provider})`);

  const texts = dataset.examples.map((e) => e.text);
  const labelIndex = new Map(dataset.labels.map((label, i) => [label, i]));
  const labels = Int32Array.from(dataset.examples, (e) => labelIndex.get(e.label)!);
  const blocks: FeatureBlock[] = [{ source: embedder.manifest.id, sha256: embedder.manifest.sha256, dim: embedder.manifest.output.dim }];
  const features = await extractFeatures(blocks, texts, new Map([[embedder.manifest.id, embedder]]), flags.json);
  const dim = blocks.reduce((sum, b) => sum + b.dim, 0);

  const split = stratifiedSplit(labels, dataset.labels.length, flags.validation, seededRandom(flags.seed));
  const trained = await trainHead(
    { features, dim, labels, classes: dataset.labels.length },
    split,
    { ...DEFAULT_TRAIN_OPTIONS, kind: flags.head, seed: flags.seed, maxEpochs: flags.epochs, l2: flags.l2 },
  );
  const name = flags.name ?? defaultName(flags.out);
  const model = headModel(trained.spec);

  const validationRows = new Float32Array(split.validation.length * dim);
  split.validation.forEach((index, row) => validationRows.set(features.subarray(index * dim, (index + 1) * dim), row * dim));
  const probs = await runHead(model, validationRows, split.validation.length);
  // The exported graph must compute what TensorFlow.js trained; a gap means an export bug.
  const exportGap = maxAbsDiff(probs, tfHeadProbs(trained.spec, validationRows, split.validation.length));
  if (!(exportGap <= EXPORT_TOLERANCE)) throw new Error(`ONNX export differs from TensorFlow.js by ${exportGap}`);
  const metrics = classificationMetrics(
    split.validation.map((i) => labels[i]!),
    argmaxRows(probs, dataset.labels.length),
    dataset.labels,
  );

  const manifest = AdapterManifest.parse({
    format: ADAPTER_FORMAT,
    name,
    task: 'multiclass',
    labels: dataset.labels,
    features: blocks,
    output: 'probs',
    temperature: trained.temperature,
    model: { sha256: await sha256Hex(model), bytes: model.length },
    metrics,
    training: {
      head: flags.head,
      seed: flags.seed,
      backbone: flags.backbone,
      data_sha256: dataset.sha256,
      examples: dataset.examples.length,
      train_examples: split.train.length,
      validation_examples: split.validation.length,
      epochs_run: trained.history.length,
      best_epoch: trained.bestEpoch,
      l2: flags.l2,
      tf_backend: backend,
    },
  });
  const files = {
    [ADAPTER_FILES.model]: model,
    [ADAPTER_FILES.manifest]: JSON.stringify(manifest, null, 2) + '\n',
    [ADAPTER_FILES.report]: reportHtml(manifest, { history: trained.history }),
  };
  await writeOutput(flags.out, files, flags.s3Endpoint);

  const seconds = (Date.now() - started) / 1000;
  if (flags.json) {
    console.log(JSON.stringify({ out: flags.out, name, sha256: manifest.model!.sha256, metrics, seconds, backend, provider }));
  } else {
    say(`validation accuracy ${metrics.accuracy.toFixed(4)}, macro-F1 ${metrics.macro_f1.toFixed(4)} on ${metrics.examples} held-out examples`);
    say(`wrote ${flags.out}/{${Object.keys(files).join(',')}} in ${seconds.toFixed(1)} s`);
  }
}

async function writeOutput(out: string, files: Record<string, Uint8Array | string>, s3Endpoint: string | undefined): Promise<void> {
  if (!out.startsWith('s3://')) {
    await writeFolderAtomically(out, files);
    return;
  }
  const staging = await mkdtemp(path.join(tmpdir(), 'graft-adapter-'));
  try {
    await writeFolderAtomically(path.join(staging, 'adapter'), files);
    await uploadFolder(path.join(staging, 'adapter'), out, { endpoint: s3Endpoint });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

