import { chmod, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Writes all files into a temporary sibling folder, then renames it over `dir`, so a run killed
 * half-way leaves either the old folder or the new one, never a mix.
 */
export async function writeFolderAtomically(dir: string, files: Record<string, Uint8Array | string>): Promise<void> {
  const parent = path.dirname(path.resolve(dir));
  await mkdir(parent, { recursive: true });
  const staging = await mkdtemp(path.join(parent, `.${path.basename(dir)}.tmp-`));
  try {
    for (const [name, content] of Object.entries(files)) await writeFile(path.join(staging, name), content);
    // mkdtemp creates 0700; the result should read like any other folder.
    await chmod(staging, 0o755);
    await rm(dir, { recursive: true, force: true });
    await rename(staging, dir);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}
