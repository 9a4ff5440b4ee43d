import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { PROJECT_ROOT } from '../../trainer/paths';

export interface WranglerOptions {
  cwd?: string;
  /** Added to the inherited environment. */
  env?: Record<string, string>;
  /** Written to wrangler's stdin (e.g. a secret for `secret put`), then closed. */
  input?: string;
}

export class WranglerError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly code: number | null,
    readonly output: string,
  ) {
    super(`wrangler ${args.join(' ')} exited with ${code}:\n${output.trim().split('\n').slice(-15).join('\n')}`);
    this.name = 'WranglerError';
  }
}

/** The wrangler this package pins, run by this Node: never a global one or npx's resolution. */
export function wranglerCommand(args: readonly string[]): [string, string[]] {
  const bin = createRequire(import.meta.url).resolve('wrangler/bin/wrangler.js');
  return [process.execPath, [bin, ...args]];
}

// Metrics and update checks would reach for the network; colour codes would break output parsing.
const QUIET_ENV = { WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1', FORCE_COLOR: '0', WRANGLER_HIDE_BANNER: 'true' };

export function wranglerEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, ...QUIET_ENV, ...extra };
}

/** Runs wrangler to completion; its stdout is returned, a failure throws with the output's tail. */
export function runWrangler(args: readonly string[], options: WranglerOptions = {}): Promise<string> {
  const [node, argv] = wranglerCommand(args);
  return new Promise((resolve, reject) => {
    const child = spawn(node, argv, {
      cwd: options.cwd ?? PROJECT_ROOT,
      env: wranglerEnv({ CI: '1', ...options.env }),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stdin.end(options.input ?? '');
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new WranglerError(args, code, output))));
  });
}

/** Starts a long-running wrangler (dev) in its own process group, so stopping it stops workerd too. */
export function spawnWrangler(args: readonly string[], options: WranglerOptions = {}): ChildProcess {
  const [node, argv] = wranglerCommand(args);
  return spawn(node, argv, {
    cwd: options.cwd ?? PROJECT_ROOT,
    env: wranglerEnv(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
}
