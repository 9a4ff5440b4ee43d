import type { LocatedExample, TextDataset } from './text-dataset';

export function toTextDataset(source: string, sha256: string, rows: readonly LocatedExample[]): TextDataset {
  const examples = rows.map(({ text, label }) => ({ text, label }));
  const labels = [...new Set(examples.map((e) => e.label))].sort();
  return { source, sha256, examples, labels };
}
