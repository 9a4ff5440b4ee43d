import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { MnistKind } from '../../helpers/mnist-data';
import type { CurvePoint } from './learning-curves';

const SCRIPT = fileURLToPath(new URL('./curve-process.ts', import.meta.url));

/**
 * Each dataset's learning curve in a process of its own (curve-process.ts), side by side: the
 * baselines train on TensorFlow.js's single-threaded backends, so on two cores two processes take
 * about half the time of one.
 */
export async function curvesInParallel(kinds: readonly MnistKind[], quick: boolean): Promise<Record<string, CurvePoint[]>> {
  const run = (kind: MnistKind) =>
    new Promise<CurvePoint[]>((resolve, reject) => {
      // Same Node and the same loader flags (tsx) as this process.
      const child = spawn(process.execPath, [...process.execArgv, SCRIPT, kind, ...(quick ? ['--quick'] : [])], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as CurvePoint[]) : reject(new Error(`the ${kind} learning curve exited with ${code}`))));
    });
  const points = await Promise.all(kinds.map(run));
  return Object.fromEntries(kinds.map((kind, i) => [kind, points[i]!]));
}
