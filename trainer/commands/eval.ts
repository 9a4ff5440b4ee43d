import { z } from 'zod';
import type { Metrics } from '../../core/schemas/metrics';
import { adapterEmbedders } from '../adapters/adapter-embedders';
import { readLocalAdapter } from '../adapters/local-adapter';
import { runHead } from '../adapters/run-head';
import { parseFlags } from '../cli/parse-flags';
import { UsageError } from '../cli/usage-error';
import { loadTextDataset } from '../data/load-text-dataset';
import { argmaxRows, classificationMetrics } from '../eval/classification-metrics';
import { extractFeatures } from '../features/extract-features';

const Flags = z.object({
  data: z.string({ error: 'is required' }).min(1),
  textColumn: z.string().optional(),
  labelColumn: z.string().optional(),
  s3Endpoint: z.url().optional(),
  json: z.boolean().default(false),
});
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

export async function evalCommand(argv: readonly string[]): Promise<void> {
  const { flags, positionals } = parseFlags('eval', argv, FLAG_KINDS, Flags);
  const dir = positionals[0];
  if (!dir || positionals.length > 1) throw new UsageError('graft eval needs exactly one adapter folder', 'run: graft eval <adapter dir> --data <file>');
  const adapter = await readLocalAdapter(dir);
  const dataset = await loadTextDataset(flags.data, { textColumn: flags.textColumn, labelColumn: flags.labelColumn, s3Endpoint: flags.s3Endpoint });
  const known = new Map(adapter.manifest.labels.map((label, i) => [label, i]));
  const unknown = dataset.labels.filter((label) => !known.has(label));
  if (unknown.length) {
    throw new UsageError(
      `${flags.data} has labels the adapter does not know: ${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? ' …' : ''}`,
      `evaluate on data labelled with ${adapter.manifest.labels.slice(0, 5).join(', ')}${adapter.manifest.labels.length > 5 ? ' …' : ''}`,
    );
  }
  const texts = dataset.examples.map((e) => e.text);
  const features = await extractFeatures(adapter.manifest.features, texts, await adapterEmbedders(adapter.manifest), flags.json);
  const probs = await runHead(adapter.model, features, texts.length);
  const metrics = classificationMetrics(
    dataset.examples.map((e) => known.get(e.label)!),
    argmaxRows(probs, adapter.manifest.labels.length),
    adapter.manifest.labels,
  );
  console.log(flags.json ? JSON.stringify({ adapter: adapter.manifest.name, data: flags.data, ...metrics }) : formatMetrics(metrics, adapter.manifest.labels));
}
