import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { headModel } from '../../core/heads/head-model';
import { sha256Hex } from '../../core/hash/sha256';
import { ADAPTER_FORMAT, AdapterManifest, HeadKind } from '../../core/schemas/adapter-manifest';
import type { BackboneFeature } from '../../core/schemas/feature-block';
import { Slug } from '../../core/schemas/common';
import { ADAPTER_FILES } from '../adapters/local-adapter';
import { runHead } from '../adapters/run-head';
import type { Modality } from '../../core/inputs/input-batch';
import { DEFAULT_BACKBONE } from '../backbones/known-backbones';
import { loadBackbone, readBackbone, type BuiltBackbone } from '../backbones/load-backbone';
import { parseFlags } from '../cli/parse-flags';
import { checkTextDataset } from '../data/check-text-dataset';
import { loadTextDataset } from '../data/load-text-dataset';
import { extractFeatures } from '../features/extract-features';
import { writeFolderAtomically } from '../fs/write-folder-atomically';
import { imageTrainingInputs } from './image-training-inputs';
import { hybridHead } from '../heads/hybrid-head';
import { imageHybridHead } from '../heads/image-hybrid-head';
import { neuralHead } from '../heads/neural-head';
import { maxAbsDiff } from '../heads/tf-head-probs';
import type { HeadOutcome } from '../heads/head-outcome';
import { DEFAULT_TRAIN_OPTIONS } from '../heads/train-head';
import { reportHtml } from '../report/report-html';
import { uploadFolder } from '../storage/s3-folder';

const Flags = z.object({
  data: z.string({ error: 'is required' }).min(1),
  out: z.string({ error: 'is required' }).min(1),
  backbone: z.string().default(DEFAULT_BACKBONE),
  textColumn: z.string().optional(),
  labelColumn: z.string().optional(),
  head: HeadKind.optional(),
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

  const backbone = await readBackbone(flags.backbone);
  const head = flags.head ?? 'hybrid';
  const { dataset, provider, outcome } = await OUTCOMES[backbone.manifest.modality](flags, head, say, backbone);
  const name = flags.name ?? defaultName(flags.out);
  const model = headModel(outcome.spec);

  // The exported graph must compute what the trainer fitted; a gap means an export bug.
  const { reference } = outcome;
  const exportGap = maxAbsDiff(await runHead(model, reference.features, reference.rows), reference.probs);
  if (!(exportGap <= EXPORT_TOLERANCE)) throw new Error(`ONNX export differs from the trained head by ${exportGap}`);
  const { metrics } = outcome;

  const manifest = AdapterManifest.parse({
    format: ADAPTER_FORMAT,
    name,
    task: 'multiclass',
    labels: dataset.labels,
    features: outcome.blocks,
    output: 'probs',
    model: { sha256: await sha256Hex(model), bytes: model.length },
    metrics: metrics ?? {},
    training: { head, seed: flags.seed, backbone: flags.backbone, data_sha256: dataset.sha256, examples: dataset.examples.length, ...outcome.training, export_max_abs_diff: exportGap },
  });
  const files = {
    [ADAPTER_FILES.model]: model,
    [ADAPTER_FILES.manifest]: JSON.stringify(manifest, null, 2) + '\n',
    [ADAPTER_FILES.report]: reportHtml(manifest, { history: outcome.history, sections: outcome.reportSections }),
  };
  await writeOutput(flags.out, files, flags.s3Endpoint);

  const seconds = (Date.now() - started) / 1000;
  if (flags.json) {
    console.log(JSON.stringify({ out: flags.out, name, head, sha256: manifest.model!.sha256, metrics: metrics ?? null, training: manifest.training, seconds, provider }));
  } else {
    say(metrics ? `${head} head · accuracy ${metrics.accuracy.toFixed(4)}, macro-F1 ${metrics.macro_f1.toFixed(4)} by ${String(outcome.training.evaluation)}` : `${head} head · no accuracy estimate: ${String(outcome.training.evaluation)}`);
    if (typeof outcome.training.advice === 'string') say(outcome.training.advice);
    say(`wrote ${flags.out}/{${Object.keys(files).join(',')}} in ${seconds.toFixed(1)} s`);
  }
}

type TrainFlags = z.infer<typeof Flags>;

async function textOutcome(flags: TrainFlags, head: HeadKind, say: (line: string) => void, built: BuiltBackbone) {
  const dataset = await loadTextDataset(flags.data, { textColumn: flags.textColumn, labelColumn: flags.labelColumn, s3Endpoint: flags.s3Endpoint });
  checkTextDataset(dataset);
  const { embedder, provider, release } = await loadBackbone(built);
  try {
    say(`graft train: ${dataset.examples.length} examples, ${dataset.labels.length} labels · ONNX Runtime: onnxruntime-node (${provider})`);
    const texts = dataset.examples.map((e) => e.text);
    const labelIndex = new Map(dataset.labels.map((label, i) => [label, i]));
    const labels = Int32Array.from(dataset.examples, (e) => labelIndex.get(e.label)!);
    const backbone: BackboneFeature = { source: embedder.manifest.id, sha256: embedder.manifest.sha256, dim: embedder.manifest.output.dim };
    const features = await extractFeatures([backbone], texts, new Map([[embedder.manifest.id, embedder]]), flags.json);
    const outcome =
      head === 'hybrid'
        ? hybridHead(backbone, features, texts, labels, dataset.labels, flags.seed)
        : await neuralHead(backbone, features, labels, dataset.labels, { kind: head, seed: flags.seed, epochs: flags.epochs, l2: flags.l2, validation: flags.validation, say });
    return { dataset, provider, outcome };
  } finally {
    await release();
  }
}

async function imageOutcome(flags: TrainFlags, head: HeadKind, say: (line: string) => void, built: BuiltBackbone) {
  const hybrid = head === 'hybrid';
  const inputs = await imageTrainingInputs(
    built,
    flags.data,
    // The hybrid cross-validates, or fits its default mix on one image per label; linear and mlp hold images out.
    { labelColumn: flags.labelColumn, s3Endpoint: flags.s3Endpoint, quiet: flags.json, pixels: hybrid, minPerLabel: hybrid ? 1 : 2 },
    say,
  );
  const { dataset, labels, backbone, features, pixels, provider } = inputs;
  const outcome = hybrid
    ? imageHybridHead(backbone, features, pixels!, labels, dataset.labels, flags.seed)
    : await neuralHead(backbone, features, labels, dataset.labels, { kind: head, seed: flags.seed, epochs: flags.epochs, l2: flags.l2, validation: flags.validation, say });
  return { dataset, provider, outcome };
}

/** What training on one modality's data yields for the adapter's files. */
type Outcome = (
  flags: TrainFlags,
  head: HeadKind,
  say: (line: string) => void,
  built: BuiltBackbone,
) => Promise<{ dataset: { labels: string[]; sha256: string; examples: readonly unknown[] }; provider: string; outcome: HeadOutcome }>;

/** How each modality's training data is read and its head fitted. */
const OUTCOMES: Record<Modality, Outcome> = { text: textOutcome, image: imageOutcome };

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

