import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileUsageError } from './read-data-file';

export const IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.png'];

/** Image files in a folder of label subfolders, sorted by label then name. */
export async function listImageFolder(dir: string): Promise<{ label: string; path: string }[]> {
  const list = (path: string) => readdir(path, { withFileTypes: true }).catch((e: unknown) => Promise.reject(fileUsageError(e, path)));
  const files: { label: string; path: string }[] = [];
  const labels = (await list(dir)).filter((d) => d.isDirectory() && !d.name.startsWith('.')).map((d) => d.name).sort();
  for (const label of labels) {
    const names = (await list(join(dir, label)))
      .filter((d) => d.isFile() && !d.name.startsWith('.') && IMAGE_EXTENSIONS.some((ext) => d.name.toLowerCase().endsWith(ext)))
      .map((d) => d.name)
      .sort();
    for (const name of names) files.push({ label, path: join(dir, label, name) });
  }
  return files;
}
