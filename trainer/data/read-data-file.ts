import { readFile } from 'node:fs/promises';
import { UsageError } from '../cli/usage-error';

/** Reads a local file, turning the errors a user can fix into one-line UsageErrors. */
export async function readDataFile(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (error) {
    throw fileUsageError(error, path);
  }
}

export function fileUsageError(error: unknown, path: string): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return new UsageError(`${path} does not exist`, 'check the --data path');
  if (code === 'EACCES' || code === 'EPERM') return new UsageError(`cannot read ${path}: permission denied`, `check the file's permissions (chmod +r ${path})`);
  if (code === 'EISDIR') return new UsageError(`${path} is a folder, not a file`, 'give a .csv or .jsonl file, or a folder of label subfolders');
  return error;
}
