import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rssOf } from './bench-edge';

export interface Reference {
  origin: string;
  rss(): number | undefined;
  stop(): Promise<void>;
}

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'reference-server.ts');

/** The node:http reference in its own process, so the load generator never shares its event loop. */
export function startReference(adapterDirs: readonly string[]): Promise<Reference> {
  // `--import tsx` keeps it one process (the tsx CLI would fork a second), so its pid is the server's.
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', SCRIPT, ...adapterDirs], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`reference server exited with ${code}`)));
    child.stdout!.once('data', (chunk: Buffer) =>
      resolve({
        origin: chunk.toString().trim(),
        rss: () => (child.pid ? rssOf(child.pid) : undefined),
        stop: () =>
          new Promise<void>((done) => {
            child.removeAllListeners('exit');
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      }),
    );
  });
}
