import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ADAPTER_FILES } from '../../trainer/adapters/local-adapter';
import { spamAssassinBodies } from '../../trainer/datasets/spam-assassin';
import { PROJECT_ROOT } from '../../trainer/paths';
import { localPaths } from './local-paths';

export const DEMO_TENANT = 'demo';
export const DEMO_ADAPTER = 'spam';

const training = new Set<ChildProcess>();

/** Ends a demo training still running (start-up interrupted). */
export function stopTraining(): void {
  for (const child of training) child.kill('SIGTERM');
}

const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;

/** The public SpamAssassin bodies as `.graft/demo/spam-assassin.csv` (text,label), written once. */
export async function writeDemoCsv(): Promise<string> {
  const file = path.join(localPaths().demo, 'spam-assassin.csv');
  if (existsSync(file)) return file;
  await mkdir(path.dirname(file), { recursive: true });
  const rows = spamAssassinBodies().filter((r) => r.text.trim() !== '');
  const partial = `${file}.${process.pid}.tmp`;
  await writeFile(partial, ['text,label', ...rows.map((r) => `${quote(r.text)},${r.label}`)].join('\r\n') + '\r\n');
  await rename(partial, file);
  return file;
}

/**
 * Trains the demo adapter with `graft train`, as a user would, in a child process so TensorFlow.js
 * memory is returned before the edge runs for hours; reuses a finished one.
 */
export async function ensureDemoAdapter(say: (line: string) => void): Promise<string> {
  const dir = path.join(localPaths().demo, DEMO_ADAPTER);
  if (existsSync(path.join(dir, ADAPTER_FILES.manifest))) return dir;
  const csv = await writeDemoCsv();
  say(`training the demo adapter "${DEMO_ADAPTER}" on ${path.relative(process.cwd(), csv) || csv} …`);
  const args = [path.join(PROJECT_ROOT, 'bin', 'graft.js'), 'train', '--data', csv, '--out', dir, '--name', DEMO_ADAPTER, '--seed', '1'];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  training.add(child);
  child.once('exit', () => training.delete(child));
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    for (const line of chunk.toString().split('\n')) if (line.trim() && !line.includes('\r')) say(`  ${line.trim()}`);
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0) throw new Error(`graft train exited with ${code}:\n${output.slice(-2000)}`);
  return dir;
}
