import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { ImageError } from '../../core/image/image-error';
import { MAX_IMAGE_BYTES } from '../../core/image/image-limits';
import { sniffImageType } from '../../core/image/sniff-image';
import { UsageError } from '../cli/usage-error';
import { readS3Object } from '../storage/s3-folder';
import { formatS3Url, parseS3Url } from '../storage/s3-location';
import { imageCsvRows } from './image-csv-rows';
import type { ImageDataset, ImageExample } from './image-dataset';
import { listImageFolder } from './list-image-folder';
import { fileUsageError, readDataFile } from './read-data-file';

export type LoadImageDatasetOptions = {
  labelColumn?: string;
  /** For s3:// sources; else AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL, else AWS itself. */
  s3Endpoint?: string;
};

// Enough reads in flight to hide S3 latency, few enough to stay clear of the open-file limit.
const READS_IN_FLIGHT = 16;

type Located = { label: string; path: string; where: string };

/** `path` relative to the location of `base` (a local file or an s3:// object). */
function relativeTo(base: string): (path: string) => string {
  if (base.startsWith('s3://')) {
    const { bucket, key } = parseS3Url(base, { requireKey: true });
    const prefix = key.includes('/') ? key.slice(0, key.lastIndexOf('/') + 1) : '';
    return (path) => (path.startsWith('s3://') ? path : formatS3Url({ bucket, key: prefix + path.replace(/^\.\//, '') }));
  }
  return (path) => (path.startsWith('s3://') || isAbsolute(path) ? path : resolve(dirname(base), path));
}

async function readImage(row: Located, s3Endpoint: string | undefined): Promise<ImageExample> {
  const bytes = row.path.startsWith('s3://') ? await readS3Object(row.path, { endpoint: s3Endpoint }) : await readDataFile(row.path);
  // Cheap checks now, so a bad file is named before minutes of feature extraction.
  if (bytes.length > MAX_IMAGE_BYTES) throw new UsageError(`${row.path} (${row.where}) is ${bytes.length} bytes, over the ${MAX_IMAGE_BYTES}-byte image limit`, 'downscale or re-encode it');
  try {
    sniffImageType(bytes);
  } catch (error) {
    if (error instanceof ImageError) throw new UsageError(`${row.path} (${row.where}): ${error.message}`, 'convert it to JPEG or PNG, or remove it');
    throw error;
  }
  return { label: row.label, bytes, where: row.path };
}

/**
 * A labelled image dataset: a folder with one subfolder per label holding .jpg/.jpeg/.png files,
 * or a CSV (local or s3://) of `path,label` rows whose paths are local or s3:// URLs.
 */
export async function loadImageDataset(source: string, opts: LoadImageDatasetOptions = {}): Promise<ImageDataset> {
  const labelColumn = opts.labelColumn ?? 'label';
  let rows: Located[];
  if (source.startsWith('s3://') || source.toLowerCase().endsWith('.csv')) {
    const bytes = source.startsWith('s3://') ? await readS3Object(source, { endpoint: opts.s3Endpoint }) : await readDataFile(source);
    rows = imageCsvRows(bytes, source, labelColumn, relativeTo(source));
    if (rows.length === 0) throw new UsageError(`${source} lists no images`, 'write one row per image under the header: path,label');
  } else {
    const info = await stat(source).catch((e) => Promise.reject(fileUsageError(e, source)));
    if (!info.isDirectory()) throw new UsageError(`${source} is neither a folder nor a .csv file`, 'give a folder of label subfolders of images, or a CSV of path,label');
    rows = (await listImageFolder(source)).map((f) => ({ ...f, where: f.path }));
    if (rows.length === 0) throw new UsageError(`${source} has no .jpg/.jpeg/.png files in label subfolders`, `put one subfolder per label, each holding images (like ${source}/cat/1.jpg)`);
  }

  const examples: ImageExample[] = [];
  for (let start = 0; start < rows.length; start += READS_IN_FLIGHT) {
    examples.push(...(await Promise.all(rows.slice(start, start + READS_IN_FLIGHT).map((row) => readImage(row, opts.s3Endpoint)))));
  }
  const hash = createHash('sha256');
  for (const e of examples) hash.update(`${e.label}\n${e.where}\n${e.bytes.length}\n`).update(e.bytes);
  return { source, sha256: hash.digest('hex'), examples, labels: [...new Set(examples.map((e) => e.label))].sort() };
}
