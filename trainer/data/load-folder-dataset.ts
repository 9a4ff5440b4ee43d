import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../cli/usage-error';
import { checkExamples } from './check-text-dataset';
import { decodeUtf8 } from './decode-utf8';
import { fileUsageError } from './read-data-file';
import { toTextDataset } from './to-text-dataset';
import type { LocatedExample, TextDataset } from './text-dataset';

// Enough reads in flight to hide latency, few enough to stay clear of the open-file limit.
const READS_IN_FLIGHT = 32;

/**
 * A folder with one subfolder per label, each holding .txt files (text = the file's contents).
 * The digest covers each file's relative path, length and bytes in sorted order, so renaming,
 * relabelling or editing any file changes it.
 */
export async function loadFolderDataset(dir: string): Promise<TextDataset> {
  const files = await listLabelledFiles(dir);
  if (files.length === 0) {
    throw new UsageError(
      `${dir} has no .txt files in label subfolders`,
      `put one subfolder per label, each holding .txt files (like ${join(dir, 'spam', '1.txt')})`,
    );
  }

  const contents: Uint8Array[] = new Array(files.length);
  for (let start = 0; start < files.length; start += READS_IN_FLIGHT) {
    const batch = files.slice(start, start + READS_IN_FLIGHT);
    const read = await Promise.all(batch.map((f) => readOrExplain(join(dir, f.label, f.name))));
    read.forEach((bytes, k) => (contents[start + k] = bytes));
  }

  const hash = createHash('sha256');
  const rows: LocatedExample[] = files.map((f, i) => {
    const bytes = contents[i]!;
    const path = join(dir, f.label, f.name);
    hash.update(`${f.label}/${f.name}\n${bytes.length}\n`).update(bytes);
    return { text: decodeUtf8(bytes, path), label: f.label, where: path };
  });
  checkExamples(rows);
  return toTextDataset(dir, hash.digest('hex'), rows);
}

type LabelledFile = { label: string; name: string };

async function listLabelledFiles(dir: string): Promise<LabelledFile[]> {
  const files: LabelledFile[] = [];
  const folders = (await listOrExplain(dir))
    .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
    .map((d) => d.name)
    .sort();
  for (const label of folders) {
    const names = (await listOrExplain(join(dir, label)))
      .filter((d) => d.isFile() && !d.name.startsWith('.') && d.name.toLowerCase().endsWith('.txt'))
      .map((d) => d.name)
      .sort();
    for (const name of names) files.push({ label, name });
  }
  return files;
}

const readOrExplain = (path: string) => readFile(path).catch((e: unknown) => Promise.reject(fileUsageError(e, path)));
const listOrExplain = (path: string) => readdir(path, { withFileTypes: true }).catch((e: unknown) => Promise.reject(fileUsageError(e, path)));
