import { UsageError } from '../cli/usage-error';
import { decodeUtf8 } from './decode-utf8';
import { parseCsv } from './parse-csv';

/** Longest path or label accepted in an image CSV; anything longer is a wrong file, not a path. */
const MAX_FIELD_CHARS = 4096;

/**
 * `path,label` rows of an image CSV. Relative paths resolve against the CSV's own location
 * (a folder, or an s3:// prefix), so a dataset folder can move or be uploaded as a whole.
 */
export function imageCsvRows(bytes: Uint8Array, source: string, labelColumn: string, resolve: (path: string) => string): { label: string; path: string; where: string }[] {
  const table = parseCsv(decodeUtf8(bytes, source), { maxFieldChars: MAX_FIELD_CHARS });
  const pathAt = table.header.indexOf('path');
  const labelAt = table.header.indexOf(labelColumn);
  if (pathAt < 0 || labelAt < 0) {
    throw new UsageError(
      `${source} needs a "path" and a "${labelColumn}" column (it has: ${table.header.join(', ') || 'none'})`,
      'write one row per image: path,label (paths relative to the CSV, absolute, or s3:// URLs)',
    );
  }
  return table.rows.map((row) => {
    const path = row.fields[pathAt]?.trim() ?? '';
    const label = row.fields[labelAt]?.trim() ?? '';
    const where = `${source} line ${row.line}`;
    if (!path || !label) throw new UsageError(`${where} has an empty ${path ? 'label' : 'path'}`, 'remove that row or fill it in');
    return { label, path: resolve(path), where };
  });
}
