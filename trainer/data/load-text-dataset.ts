import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { UsageError } from '../cli/usage-error';
import { parseS3Url } from '../storage/s3-location';
import { readS3Object } from '../storage/s3-folder';
import { checkExamples } from './check-text-dataset';
import type { DatasetColumns } from './columns';
import { csvExamples } from './csv-examples';
import { decodeUtf8 } from './decode-utf8';
import { jsonlExamples } from './jsonl-examples';
import { loadFolderDataset } from './load-folder-dataset';
import { fileUsageError, readDataFile } from './read-data-file';
import { toTextDataset } from './to-text-dataset';
import type { TextDataset } from './text-dataset';

export type LoadTextDatasetOptions = {
  textColumn?: string;
  labelColumn?: string;
  /** For s3:// sources; else AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL, else AWS itself. */
  s3Endpoint?: string;
};

type Format = 'csv' | 'jsonl';

const FORMATS: Record<string, Format> = { '.csv': 'csv', '.jsonl': 'jsonl', '.ndjson': 'jsonl' };

/**
 * Reads a labelled text dataset from a .csv or .jsonl/.ndjson file, a folder of label subfolders
 * of .txt files, or an s3:// object, and runs the checks that need to know where each row came
 * from (empty fields, over-long texts). Whether it can train a head is `checkTextDataset`'s call.
 */
export async function loadTextDataset(source: string, opts: LoadTextDatasetOptions = {}): Promise<TextDataset> {
  const columns: DatasetColumns = { text: opts.textColumn ?? 'text', label: opts.labelColumn ?? 'label' };

  if (source.startsWith('s3://')) {
    const location = parseS3Url(source, { requireKey: true });
    const format = formatOf(location.key, source);
    const bytes = await readS3Object(location, { endpoint: opts.s3Endpoint });
    return fromBytes(source, bytes, format, columns);
  }

  const info = await stat(source).catch((e) => Promise.reject(fileUsageError(e, source)));
  if (info.isDirectory()) return loadFolderDataset(source);
  const format = formatOf(source, source);
  return fromBytes(source, await readDataFile(source), format, columns);
}

function formatOf(path: string, source: string): Format {
  const format = FORMATS[extname(path).toLowerCase()];
  if (format) return format;
  throw new UsageError(
    `cannot tell the format of ${source} from its name`,
    'use a .csv, .jsonl or .ndjson file, a folder of label subfolders, or an s3:// URL to such a file',
  );
}

function fromBytes(source: string, bytes: Uint8Array, format: Format, columns: DatasetColumns): TextDataset {
  const text = decodeUtf8(bytes, source);
  if (!/\S/.test(text)) {
    throw new UsageError(`${source} is empty`, format === 'csv' ? 'give a header row and one example per row' : 'give one JSON object per line');
  }
  const rows = format === 'csv' ? csvExamples(text, source, columns) : jsonlExamples(text, source, columns);
  checkExamples(rows);
  return toTextDataset(source, createHash('sha256').update(bytes).digest('hex'), rows);
}
