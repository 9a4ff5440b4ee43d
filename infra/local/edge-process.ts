import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { spawnWrangler } from '../wrangler/run-wrangler';

export interface EdgeProcess {
  endpoint: string;
  child: ChildProcess;
  /** Resolves with wrangler's exit code once it has exited, for whatever reason. */
  exited: Promise<number | null>;
  /** Stops wrangler and workerd (its whole process group); safe to call twice. */
  stop(): Promise<void>;
  /** After readiness, wrangler's log lines go here instead of the start-up buffer. */
  follow(sink: (line: string) => void): void;
  /** What wrangler printed before `follow`, for failure messages. */
  startupLog(): string;
}

export interface EdgeOptions {
  host: string;
  port: number;
  persistTo: string;
  envFile: string;
  config: string;
}

/** True when nothing listens on host:port (wrangler would otherwise fail or pick another port). */
export function portIsFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

// Lines wrangler prints on every offline start that say nothing actionable.
const NOISE = [/Unable to fetch the `Request.cf`/, /getaddrinfo ENOTFOUND/, /^\s+at /, /update available/];

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid) process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

/** `wrangler dev` on workerd with local D1/R2 under `persistTo`; returns once it is spawned. */
export function spawnEdge(options: EdgeOptions): EdgeProcess {
  const child = spawnWrangler(
    [
      'dev',
      '--config', options.config,
      '--ip', options.host,
      '--port', String(options.port),
      '--persist-to', options.persistTo,
      '--env-file', options.envFile,
      '--show-interactive-dev-session=false',
      '--inspector-port', '0',
    ],
    // The worker needs no `request.cf`; fetching it offline only prints a stack trace.
    { env: { CLOUDFLARE_CF_FETCH_ENABLED: 'false' } },
  );
  const buffered: string[] = [];
  let sink: ((line: string) => void) | undefined;
  const onData = (chunk: Buffer) => {
    for (const line of chunk.toString().split(/\r?\n/)) {
      if (!line.trim() || NOISE.some((n) => n.test(line))) continue;
      if (sink) sink(line);
      else buffered.push(line);
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let stopping: Promise<void> | undefined;
  return {
    endpoint: `http://${options.host}:${options.port}`,
    child,
    exited,
    follow: (next) => {
      sink = next;
      buffered.splice(0).forEach(next);
    },
    stop: () => {
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        signalGroup(child, 'SIGTERM');
        const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
        // workerd may outlive wrangler for a moment; the group is ours alone.
        signalGroup(child, 'SIGKILL');
      })();
      return stopping;
    },
    startupLog: () => buffered.join('\n'),
  };
}

/** Polls /healthz until it answers 200; fails fast if wrangler exits first. */
export async function waitForHealth(edge: EdgeProcess, timeoutMs = 90_000): Promise<unknown> {
  const deadline = Date.now() + timeoutMs;
  let gone = false;
  void edge.exited.then(() => (gone = true));
  while (Date.now() < deadline) {
    if (gone) throw new Error(`wrangler dev exited before the edge answered:\n${edge.startupLog()}`);
    try {
      const response = await fetch(`${edge.endpoint}/healthz`, { signal: AbortSignal.timeout(5_000) });
      if (response.ok) return await response.json();
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the edge did not answer ${edge.endpoint}/healthz within ${timeoutMs / 1000} s:\n${edge.startupLog()}`);
}
