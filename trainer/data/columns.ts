import { UsageError } from '../cli/usage-error';
import { quoteValue as quote } from './quote-value';

export type DatasetColumns = { text: string; label: string };

/** Fails with the columns that are there, since a wrong name is the usual cause. */
export function requireColumns(found: readonly string[], wanted: DatasetColumns, name: string): void {
  const missing = [wanted.text, wanted.label].filter((c) => !found.includes(c));
  if (missing.length === 0) return;
  const what = missing.map((c) => quote(c)).join(' or ');
  const shown = found.slice(0, 20).map((c) => quote(c)).join(', ');
  const more = found.length > 20 ? ` and ${found.length - 20} more` : '';
  throw new UsageError(
    `${name} has no ${what} column (found: ${shown || 'none'}${more})`,
    'name the columns with --text-column <name> and --label-column <name>',
  );
}
