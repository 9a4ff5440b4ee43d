import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** The package root: this file lives in `trainer/`. */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Built artifacts and local state; `GRAFT_HOME` moves it (tests use a temporary one). */
export function graftHome(): string {
  return path.resolve(process.env.GRAFT_HOME ?? path.join(PROJECT_ROOT, '.graft'));
}

export function backboneDir(id: string): string {
  return path.join(graftHome(), 'backbones', id);
}
