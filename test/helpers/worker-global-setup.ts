import { existsSync } from 'node:fs';
import path from 'node:path';
import { buildWorkerBundle, REPO_ROOT } from './worker-harness';

// Builds each worker bundle once before test files start in parallel, so they never race to build
// the same one; startWorker() then finds it in the cache.
const ENTRIES = ['functions/index.ts', 'test/worker-fixtures/ort-spike.ts'];

export default async function setup(): Promise<void> {
  for (const entry of ENTRIES) {
    if (existsSync(path.join(REPO_ROOT, entry))) await buildWorkerBundle({ entry });
  }
}
