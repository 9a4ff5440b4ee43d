import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { StorageObject } from '../../core/storage/backbone-objects';

/** Writes each object body to `<dir>/<key>`, the files `wrangler r2 object put --file` uploads. */
export async function stageObjects(dir: string, objects: readonly StorageObject[]): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const object of objects) {
    const file = path.join(dir, ...object.key.split('/'));
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, object.body);
    files.set(object.key, file);
  }
  return files;
}
