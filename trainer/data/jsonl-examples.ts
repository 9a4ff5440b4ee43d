import { z } from 'zod';
import { MAX_TEXT_CHARS } from '../../core/text/limits';
import { UsageError } from '../cli/usage-error';
import { requireColumns, type DatasetColumns } from './columns';
import { MAX_LINE_CHARS } from './max-line-chars';
import { JsonlLineTooLongError, JsonlSyntaxError, parseJsonl, type JsonlRecord } from './parse-jsonl';
import type { LocatedExample } from './text-dataset';

const TextValue = z.string().nullish();
// Numeric and boolean labels (0/1, true/false) are common in exported data; they become their text.
const LabelValue = z.union([z.string(), z.number(), z.boolean()]).nullish();

export function jsonlExamples(text: string, name: string, columns: DatasetColumns): LocatedExample[] {
  let records: JsonlRecord[];
  try {
    records = parseJsonl(text, { maxLineChars: MAX_LINE_CHARS });
  } catch (error) {
    if (error instanceof JsonlLineTooLongError) {
      throw new UsageError(
        `line ${error.line} of ${name} is ${error.length.toLocaleString('en-US')} characters; a text may have at most ${MAX_TEXT_CHARS.toLocaleString('en-US')}`,
        'shorten or split that text, or remove the line',
      );
    }
    if (error instanceof JsonlSyntaxError) throw new UsageError(`${name}: ${error.message}`, 'write one JSON object per line');
    throw error;
  }
  if (records.length === 0) throw new UsageError(`${name} is empty`, 'give one JSON object per line, like {"text": "…", "label": "…"}');

  const found = new Set<string>();
  for (const r of records) for (const key of Object.keys(r.value)) found.add(key);
  requireColumns([...found], columns, name);

  return records.map(({ value, line }) => {
    const where = `line ${line} of ${name}`;
    const text = TextValue.safeParse(value[columns.text]);
    if (!text.success) throw wrongType(where, columns.text, value[columns.text], 'a string');
    const label = LabelValue.safeParse(value[columns.label]);
    if (!label.success) throw wrongType(where, columns.label, value[columns.label], 'a string or number');
    return { text: text.data ?? '', label: String(label.data ?? '').trim(), where };
  });
}

function wrongType(where: string, key: string, value: unknown, expected: string): UsageError {
  const kind = Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`;
  return new UsageError(`${where}: "${key}" is ${kind}, expected ${expected}`, `make every "${key}" ${expected}`);
}
