import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PROJECT_ROOT } from '../../../trainer/paths';
import { svgLineChart } from '../../../trainer/report/svg-line-chart';
import { writeBenchmarksSection } from '../benchmarks-section';
import type { DrawResult } from './learning-curve-draw';

interface DatasetResult {
  dataset: string;
  examples: number;
  rows: { size: number | 'all'; draws: DrawResult[] }[];
}

interface TransferRun {
  machine: { cpu: string; cores: number; memoryGiB: number; node: string; date: string };
  draws: number;
  heldOut: number;
  results: DatasetResult[];
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const points = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(1)}`;

function summary(row: DatasetResult['rows'][number]) {
  const tfidf = mean(row.draws.map((d) => d.tfidf));
  const backbone = mean(row.draws.map((d) => d.backbone));
  const graft = mean(row.draws.map((d) => d.graft));
  const bestOf = (d: DrawResult) => (tfidf >= backbone ? d.tfidf : d.backbone);
  // Standard error of the mean paired difference over draws: same training rows, same test rows.
  const diffs = row.draws.map((d) => d.graft - bestOf(d));
  const spread = diffs.length > 1 ? Math.sqrt(diffs.reduce((a, x) => a + (x - mean(diffs)) ** 2, 0) / (diffs.length - 1) / diffs.length) : 0;
  return { tfidf, backbone, graft, best: Math.max(tfidf, backbone), spread };
}

function table(result: DatasetResult): string {
  const lines = ['| labelled per class | TF-IDF + LR | frozen GloVe-SIF + LR | Graft default head | vs best baseline (± s.e.) | vs TF-IDF | head chosen (most draws) |', '|---|---|---|---|---|---|---|'];
  for (const row of result.rows) {
    const s = summary(row);
    const choices = new Map<string, number>();
    for (const d of row.draws) choices.set(d.choice, (choices.get(d.choice) ?? 0) + 1);
    const [choice] = [...choices].sort((a, b) => b[1] - a[1])[0]!;
    lines.push(`| ${row.size} | ${s.tfidf.toFixed(3)} | ${s.backbone.toFixed(3)} | ${s.graft.toFixed(3)} | ${points(s.graft - s.best)} ± ${(s.spread * 100).toFixed(1)} | ${points(s.graft - s.tfidf)} | ${choice} |`);
  }
  return lines.join('\n');
}

/** The targets of the learning-curve benchmark, checked against the numbers, in words. */
function shortfalls(result: DatasetResult): string {
  const misses: string[] = [];
  for (const row of result.rows) {
    const s = summary(row);
    if (s.graft < s.best) {
      const noise = s.best - s.graft <= s.spread ? ', within one standard error of the draws' : '';
      misses.push(`at ${row.size} per class it trails the better baseline by ${points(s.best - s.graft).slice(1)} points${noise}`);
    }
    if (typeof row.size === 'number' && row.size <= 8 && s.graft - s.tfidf < 0.03) misses.push(`at ${row.size} per class it beats TF-IDF by ${points(s.graft - s.tfidf)} points, short of the +3 target`);
  }
  return misses.length ? `Where it falls short: ${misses.join('; ')}.` : 'Targets met: at least the better baseline at every size, and 3 points or more over TF-IDF at 8 per class and below.';
}

function chart(result: DatasetResult): string {
  const numeric = result.rows.filter((r) => r.size !== 'all');
  const series = (name: string, color: string, pick: (d: DrawResult) => number) => ({
    name,
    color,
    points: numeric.map((r) => ({ x: Math.log2(r.size as number), y: mean(r.draws.map(pick)) })),
  });
  return svgLineChart(result.dataset, 'log2(labelled per class)', [
    series('TF-IDF + LR', '#1f77b4', (d) => d.tfidf),
    series('GloVe-SIF + LR', '#ff7f0e', (d) => d.backbone),
    series('Graft default', '#2ca02c', (d) => d.graft),
  ]);
}

/** Renders `transfer.json` into the plot and the BENCHMARKS.md section; returns the section. */
export async function writeTransferReport(jsonFile: string): Promise<string> {
  const run = JSON.parse(await readFile(jsonFile, 'utf8')) as TransferRun;
  const { machine: m } = run;
  await writeFile(
    path.join(path.dirname(jsonFile), 'transfer.svg'),
    `<svg xmlns="http://www.w3.org/2000/svg" width="${530 * run.results.length}" height="280">${run.results.map((r, i) => `<g transform="translate(${i * 530},0)">${chart(r)}</g>`).join('')}</svg>\n`,
  );
  const body = [
    `Learning curves of Graft's default text head against two baselines (\`npm run bench:transfer\`; ${m.date}, ${m.cores} × ${m.cpu}, ${m.memoryGiB} GiB, Node ${m.node}). Mean accuracy on ${run.heldOut} held-out examples over ${run.draws} seeded draws; the baselines are scikit-learn-style logistic regression (C = 1) on a TF-IDF vocabulary fitted to the labelled texts, and on the frozen backbone's features. Graft's head is what \`graft train\` exports by default: logistic regression over the backbone and 2^18 hashed word n-grams, TF-IDF-normalised over the columns the labelled texts use, mix and C chosen by cross-validation (docs/decisions/0005). "± s.e." is the standard error of the paired difference over the draws. Raw draws in \`docs/benchmarks/transfer.json\`, plot in \`docs/benchmarks/transfer.svg\`.`,
    ...run.results.flatMap((r) => [`### ${r.dataset} (${r.examples} examples)`, table(r), shortfalls(r)]),
  ].join('\n\n');
  await writeBenchmarksSection(path.join(PROJECT_ROOT, 'BENCHMARKS.md'), 'Transfer learning curves', body);
  return body;
}
