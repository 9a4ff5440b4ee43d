import path from 'node:path';
import { z } from 'zod';
import { parseFlags } from '../../trainer/cli/parse-flags';
import { localConfigPath } from '../client/local-config';
import type { EdgeProcess } from '../local/edge-process';
import { DEFAULT_PORT, LOCAL_HOST, localPaths } from '../local/local-paths';
import { startPlatform } from '../local/start-platform';
import { stopSignals } from '../local/stop-signals';
import { stopTraining } from '../local/demo-adapter';

const Flags = z.object({
  port: z.coerce.number().int().min(1).max(65_535).default(DEFAULT_PORT),
  host: z.string().default(LOCAL_HOST),
});

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export function curlExample(endpoint: string, apiKey: string, adapter: string): string {
  const body = JSON.stringify({ inputs: ['Congratulations, you have won a FREE cruise! Click here to claim your prize now'] });
  return [
    `curl -s ${endpoint}/v1/adapters/${adapter}/predict \\`,
    `  -H ${shellQuote(`authorization: Bearer ${apiKey}`)} \\`,
    `  -H 'content-type: application/json' \\`,
    `  -d ${shellQuote(body)}`,
  ].join('\n');
}

const say = (line: string) => console.error(`graft start: ${line}`);

export async function startCommand(argv: readonly string[]): Promise<void> {
  const { flags } = parseFlags('start', argv, { port: 'string', host: 'string' }, Flags);
  const started = Date.now();
  let edge: EdgeProcess | undefined;
  let running = false;
  const signals = stopSignals();
  // A signal during start-up still stops wrangler and training, then ends the process.
  void signals.received.then(async (signal) => {
    if (running) return;
    say(`${signal}: stopping …`);
    stopTraining();
    await edge?.stop();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  });

  const platform = await startPlatform({ host: flags.host, port: flags.port, say, onEdge: (e) => {
      edge = e;
      signals.claim();
    },
  });
  running = true;
  const { endpoint, demo } = platform.config;
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    [
      '',
      `Graft is running at ${endpoint}  (ready in ${seconds} s; state in ${path.relative(process.cwd(), localPaths().state) || localPaths().state})`,
      `  demo tenant "${demo.tenant}", API key ${demo.apiKey}`,
      `  demo adapter "${demo.adapter}" (spam vs ham, trained on SpamAssassin bodies)`,
      '',
      'Try it:',
      curlExample(endpoint, demo.apiKey, demo.adapter),
      '',
      `The CLI reads ${path.relative(process.cwd(), localConfigPath()) || localConfigPath()}: graft predict --adapter ${demo.adapter} "free money, click now"`,
      'Ctrl-C stops the edge.',
      '',
    ].join('\n'),
  );
  platform.edge.follow((line) => console.error(`edge │ ${line}`));
  const outcome = await Promise.race([signals.received.then((s) => ({ signal: s })), platform.edge.exited.then((code) => ({ code }))]);
  if ('signal' in outcome) {
    say(`${outcome.signal}: stopping the edge …`);
    await platform.edge.stop();
    say('stopped');
    return;
  }
  throw new Error(`wrangler dev exited unexpectedly (code ${outcome.code})`);
}
