import { MAX_TEXT_CHARS } from '../../core/text/limits';
import { UsageError } from '../cli/usage-error';
import { requireColumns, type DatasetColumns } from './columns';
import { CsvFieldTooLongError, CsvSyntaxError, parseCsv, type CsvTable } from './parse-csv';
import { MAX_LINE_CHARS } from './max-line-chars';
import type { LocatedExample } from './text-dataset';

export function csvExamples(text: string, name: string, columns: DatasetColumns): LocatedExample[] {
  let table: CsvTable;
  try {
    table = parseCsv(text, { maxFieldChars: MAX_LINE_CHARS });
  } catch (error) {
    if (error instanceof CsvFieldTooLongError) {
      const where = error.record === 0 ? `the header (line ${error.line})` : `row ${error.record} (line ${error.line})`;
      throw new UsageError(
        `${where} of ${name} has a field over ${MAX_LINE_CHARS.toLocaleString('en-US')} characters; a text may have at most ${MAX_TEXT_CHARS.toLocaleString('en-US')}`,
        'shorten or split that text, or remove the row',
      );
    }
    if (error instanceof CsvSyntaxError) throw new UsageError(`${name} is not valid CSV: ${error.message}`, 'fix the quoting on that line');
    throw error;
  }

  const header = table.header.map((h) => h.trim());
  if (header.length === 0) throw new UsageError(`${name} is empty`, 'give a CSV with a header row and one example per row');
  requireColumns(header, columns, name);
  if (table.rows.length === 0) throw new UsageError(`${name} has a header but no rows`, 'add one example per row');

  const textAt = header.indexOf(columns.text);
  const labelAt = header.indexOf(columns.label);
  return table.rows.map((record, i) => {
    const where = `row ${i + 1} (line ${record.line}) of ${name}`;
    if (record.fields.length !== header.length) {
      throw new UsageError(
        `${where} has ${record.fields.length} fields but the header has ${header.length}`,
        'quote fields that contain commas, quotes or line breaks ("like, this")',
      );
    }
    return { text: record.fields[textAt]!, label: record.fields[labelAt]!.trim(), where };
  });
}
