import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { PROJECT_ROOT } from '../../trainer/paths';

const BIN = path.join(PROJECT_ROOT, 'bin', 'graft.js');
// A developer's own settings must not steer the CLI under test.
const SCRUBBED = ['GRAFT_ENDPOINT', 'GRAFT_API_KEY', 'GRAFT_ADMIN_TOKEN', 'GRAFT_HOME'];

export function cliEnv(home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, GRAFT_HOME: home, ...extra };
  for (const name of SCRUBBED) if (!(name in extra) && name !== 'GRAFT_HOME') delete env[name];
  return env;
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `node bin/graft.js …args`, as a user types it. */
export function graft(home: string, args: string[], extra: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: PROJECT_ROOT, env: cliEnv(home, extra), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface StartedPlatform {
  child: ChildProcess;
  output(): string;
  stop(): Promise<number | null>;
}

/** `graft start --port <port>` in its own process group; resolves once it prints that it is running. */
export async function startPlatformProcess(home: string, port: number, timeoutMs = 180_000): Promise<StartedPlatform> {
  const child = spawn(process.execPath, [BIN, 'start', '--port', String(port)], {
    cwd: PROJECT_ROOT,
    env: cliEnv(home),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    return exited;
  };
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`graft start did not get ready in ${timeoutMs / 1000} s:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Graft is running at')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`graft start exited with ${code}:\n${output}`));
    });
  }).catch(async (error) => {
    await stop();
    throw error;
  });
  return { child, output: () => output, stop };
}
