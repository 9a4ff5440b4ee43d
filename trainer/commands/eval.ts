import { z } from 'zod';
import type { Metrics } from '../../core/schemas/metrics';
import type { Embedders } from '../../core/features/assemble-features';
import type { Modality } from '../../core/inputs/input-batch';
import { adapterBackbones } from '../adapters/adapter-backbones';
import { readLocalAdapter, type LocalAdapter } from '../adapters/local-adapter';
import { runHead } from '../adapters/run-head';
import { parseFlags } from '../cli/parse-flags';
import { UsageError } from '../cli/usage-error';
import { loadImageDataset } from '../data/load-image-dataset';
import { loadTextDataset } from '../data/load-text-dataset';
import { argmaxRows, classificationMetrics } from '../eval/classification-metrics';
import { extractFeatures } from '../features/extract-features';
import { extractImageFeatures } from '../features/extract-image-features';

const Flags = z.object({
  data: z.string({ error: 'is required' }).min(1),
  textColumn: z.string().optional(),
  labelColumn: z.string().optional(),
  s3Endpoint: z.url().optional(),
  json: z.boolean().default(false),
});
type EvalFlags = z.infer<typeof Flags>;
const FLAG_KINDS = { data: 'string', 'text-column': 'string', 'label-column': 'string', 's3-endpoint': 'string', json: 'boolean' } as const;

function formatMetrics(metrics: Metrics, labels: readonly string[]): string {
  const width = Math.max(5, ...labels.map((l) => Math.min(24, l.length)));
  const lines = [`accuracy ${metrics.accuracy.toFixed(4)} · macro-F1 ${metrics.macro_f1.toFixed(4)} · ${metrics.examples} examples`, ''];
  lines.push(`${'label'.padEnd(width)}  precision  recall     f1  support`);
  for (const label of labels) {
    const c = metrics.per_class[label]!;
    lines.push(`${label.slice(0, 24).padEnd(width)}  ${c.precision.toFixed(4).padStart(9)}  ${c.recall.toFixed(4).padStart(6)}  ${c.f1.toFixed(4)}  ${String(c.support).padStart(7)}`);
  }
  lines.push('', 'confusion (rows: true, columns: predicted)');
  metrics.confusion.forEach((row, i) => lines.push(`${labels[i]!.slice(0, 24).padEnd(width)}  ${row.map((n) => String(n).padStart(6)).join('')}`));
  return lines.join('\n');
}

/** Each example's label index in the adapter's labels; data labelled otherwise cannot be scored. */
function labelIndices(adapter: LocalAdapter, data: string, labels: readonly string[]): Int32Array {
  const known = new Map(adapter.manifest.labels.map((label, i) => [label, i]));
  const unknown = [...new Set(labels)].filter((label) => !known.has(label));
  if (unknown.length) {
    throw new UsageError(
      `${data} has labels the adapter does not know: ${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? ' …' : ''}`,
      `evaluate on data labelled with ${adapter.manifest.labels.slice(0, 5).join(', ')}${adapter.manifest.labels.length > 5 ? ' …' : ''}`,
    );
  }
  return Int32Array.from(labels, (label) => known.get(label)!);
}

/** The head's input and the true labels of every text, as the edge would compute them. */
async function textInputs(adapter: LocalAdapter, flags: EvalFlags, embedders: Embedders): Promise<{ truth: Int32Array; features: Float32Array }> {
  const dataset = await loadTextDataset(flags.data, { textColumn: flags.textColumn, labelColumn: flags.labelColumn, s3Endpoint: flags.s3Endpoint });
  const truth = labelIndices(adapter, flags.data, dataset.examples.map((e) => e.label));
  const texts = dataset.examples.map((e) => e.text);
  return { truth, features: await extractFeatures(adapter.manifest.features, texts, embedders, flags.json) };
}

/** The same for images: a folder of label subfolders or a CSV of path,label (local or s3://). */
async function imageInputs(adapter: LocalAdapter, flags: EvalFlags, embedders: Embedders): Promise<{ truth: Int32Array; features: Float32Array }> {
  if (flags.textColumn !== undefined) throw new UsageError(`adapter ${adapter.manifest.name} classifies images; --text-column is for text adapters`, 'drop --text-column');
  const dataset = await loadImageDataset(flags.data, { labelColumn: flags.labelColumn, s3Endpoint: flags.s3Endpoint });
  const truth = labelIndices(adapter, flags.data, dataset.examples.map((e) => e.label));
  return { truth, features: await extractImageFeatures(adapter.manifest.features, dataset.examples, dataset.sha256, embedders, flags.json) };
}

/** How each modality's evaluation data is read and featurised. */
const INPUTS: Record<Modality, typeof textInputs> = { text: textInputs, image: imageInputs };

export async function evalCommand(argv: readonly string[]): Promise<void> {
  const { flags, positionals } = parseFlags('eval', argv, FLAG_KINDS, Flags);
  const dir = positionals[0];
  if (!dir || positionals.length > 1) throw new UsageError('graft eval needs exactly one adapter folder', 'run: graft eval <adapter dir> --data <file|folder>');
  const adapter = await readLocalAdapter(dir);
  const backbones = await adapterBackbones(adapter.manifest);
  let truth: Int32Array;
  let features: Float32Array;
  try {
    ({ truth, features } = await INPUTS[backbones.modality](adapter, flags, backbones.embedders));
  } finally {
    await backbones.release();
  }
  const probs = await runHead(adapter.model, features, truth.length);
  const metrics = classificationMetrics(truth, argmaxRows(probs, adapter.manifest.labels.length), adapter.manifest.labels);
  console.log(flags.json ? JSON.stringify({ adapter: adapter.manifest.name, data: flags.data, ...metrics }) : formatMetrics(metrics, adapter.manifest.labels));
}
