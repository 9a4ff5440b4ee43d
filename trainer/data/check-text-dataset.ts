import { MAX_LABELS, MAX_TEXT_CHARS } from '../../core/text/limits';
import { UsageError } from '../cli/usage-error';
import { quoteValue as quote } from './quote-value';
import type { LocatedExample, TextDataset } from './text-dataset';

/** Each label needs at least this many examples: one to train on and one to hold out. */
export const MIN_EXAMPLES_PER_LABEL = 2;

const count = (n: number) => n.toLocaleString('en-US');

function listed(items: string[], max = 5): string {
  const shown = items.slice(0, max).join(', ');
  return items.length > max ? `${shown} and ${count(items.length - max)} more` : shown;
}

/**
 * Row-level checks, all rows for one kind of problem before the next kind, so the first message is
 * about the commonest and cheapest mistake. `/\S/` stops at the first visible character, so a giant
 * text costs nothing here.
 */
export function checkExamples(rows: readonly LocatedExample[]): void {
  for (const row of rows) {
    const text = !/\S/.test(row.text);
    const label = !/\S/.test(row.label);
    if (text || label) {
      const what = text && label ? 'an empty text and label' : text ? 'an empty text' : 'an empty label';
      throw new UsageError(`${row.where} has ${what}`, 'remove that row or fill it in');
    }
  }
  for (const row of rows) {
    if (row.text.length > MAX_TEXT_CHARS) {
      throw new UsageError(
        `the text in ${row.where} is ${count(row.text.length)} characters, over the ${count(MAX_TEXT_CHARS)} limit`,
        'shorten or split that text, or remove the row',
      );
    }
  }
}

/**
 * Whether a loaded dataset can train a head. Repeats the row checks (cheap) for datasets built in
 * memory; the loader has already run them with line numbers for anything read from a source.
 */
export function checkTextDataset(dataset: TextDataset): void {
  const { source, examples } = dataset;
  checkExamples(examples.map((e, i) => ({ ...e, where: `example ${i + 1} of ${source}` })));

  const counts = new Map<string, number>();
  for (const { label } of examples) counts.set(label, (counts.get(label) ?? 0) + 1);
  const labels = [...counts.keys()].sort();

  if (labels.length < 2) {
    const which = labels[0] === undefined ? 'no labels' : `only one label (${quote(labels[0])})`;
    throw new UsageError(`${source} has ${which}`, 'add examples of at least one more label: a classifier needs two');
  }
  const few = labels.filter((l) => counts.get(l)! < MIN_EXAMPLES_PER_LABEL);
  if (few.length > 0) {
    const names = listed(few.map((l) => `${quote(l)} (${counts.get(l)})`));
    throw new UsageError(
      `${source}: ${few.length === 1 ? 'label' : 'labels'} ${names} ${few.length === 1 ? 'has' : 'have'} fewer than ${MIN_EXAMPLES_PER_LABEL} examples`,
      `add at least ${MIN_EXAMPLES_PER_LABEL} examples per label, or remove those rows`,
    );
  }
  if (labels.length > MAX_LABELS) {
    throw new UsageError(
      `${source} has ${count(labels.length)} distinct labels, over the ${count(MAX_LABELS)} limit`,
      'merge rare labels or split the task into several adapters',
    );
  }
}
