import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { graftHome } from '../../../trainer/paths';

const FIT_MODELS = fileURLToPath(new URL('./fit-models.ts', import.meta.url));

/**
 * Baseline accuracies of earlier runs, keyed by everything that decides them: the baselines' code
 * (fit-models.ts), the method, the labelled rows drawn, the test set and the options. Reruns then
 * spend their time on the column being worked on; change fit-models.ts and every baseline reruns.
 */
export async function baselineCache(kind: string): Promise<{ get(parts: unknown, run: () => Promise<number>): Promise<number>; save(): Promise<void> }> {
  // One file per dataset: the two curves run in parallel processes (curvesInParallel).
  const file = path.join(graftHome(), 'cache', 'bench-images', `baseline-results-${kind}.json`);
  const code = createHash('sha256').update(await readFile(FIT_MODELS)).digest('hex');
  const entries = (await readFile(file, 'utf8').then((t) => JSON.parse(t) as Record<string, number>).catch(() => ({}))) as Record<string, number>;
  return {
    async get(parts, run) {
      const key = createHash('sha256').update(code).update(JSON.stringify(parts)).digest('hex');
      entries[key] ??= await run();
      return entries[key]!;
    },
    async save() {
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(`${file}.tmp`, JSON.stringify(entries));
      await rename(`${file}.tmp`, file);
    },
  };
}
