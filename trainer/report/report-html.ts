import type { AdapterManifest } from '../../core/schemas/adapter-manifest';
import type { EpochRecord } from '../heads/train-head';
import { svgConfusionMatrix } from './svg-confusion-matrix';
import { svgLineChart, type Series } from './svg-line-chart';

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

export interface ReportExtras {
  history: EpochRecord[];
  /** Extra sections (e.g. a learning curve), already HTML. */
  sections?: string[];
}

/** A standalone HTML training report: metrics, per-class table, confusion matrix, curves. */
export function reportHtml(manifest: AdapterManifest, extras: ReportExtras): string {
  const m = manifest.metrics;
  const curve = (name: string, color: string, pick: (r: EpochRecord) => number): Series => ({
    name,
    color,
    points: extras.history.map((r) => ({ x: r.epoch, y: pick(r) })),
  });
  const losses = svgLineChart('loss', 'epoch', [curve('train loss', '#1f77b4', (r) => r.trainLoss), curve('validation loss', '#d62728', (r) => r.validationLoss)]);
  const accuracy = svgLineChart('validation accuracy', 'epoch', [curve('validation accuracy', '#2ca02c', (r) => r.validationAccuracy)]);
  const rows = Object.entries(m.per_class ?? {})
    .map(([label, c]) => `<tr><td>${esc(label)}</td><td>${c.precision.toFixed(3)}</td><td>${c.recall.toFixed(3)}</td><td>${c.f1.toFixed(3)}</td><td>${c.support}</td></tr>`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Graft adapter ${esc(manifest.name)}</title>
<style>body{font:14px system-ui,sans-serif;margin:2rem;max-width:60rem}table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.25rem .6rem;text-align:right}td:first-child{text-align:left}</style></head>
<body>
<h1>Adapter <code>${esc(manifest.name)}</code></h1>
<p>${esc(manifest.task)} · ${manifest.labels.length} labels · features: ${manifest.features.map((f) => `${esc(f.source)} (${f.dim})`).join(' + ')} · head: ${esc(String(manifest.training.head ?? ''))}</p>
<h2>Validation</h2>
${m.accuracy === undefined ? `<p>No held-out estimate: ${esc(String(manifest.training.evaluation ?? 'nothing was held out'))}.</p>` : `<p>accuracy <b>${m.accuracy.toFixed(4)}</b> · macro-F1 <b>${(m.macro_f1 ?? 0).toFixed(4)}</b> · ${m.examples ?? 0} held-out examples</p>`}
<table><tr><th>label</th><th>precision</th><th>recall</th><th>F1</th><th>support</th></tr>${rows}</table>
<h2>Confusion matrix</h2>
${svgConfusionMatrix(manifest.labels, m.confusion ?? [])}
<h2>Training curves</h2>
${losses}
${accuracy}
${(extras.sections ?? []).join('\n')}
</body></html>
`;
}
