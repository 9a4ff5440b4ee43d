import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { API_LIMITS, PredictResult } from '../../core/schemas/api';
import { Slug } from '../../core/schemas/common';
import { parseFlags } from '../../trainer/cli/parse-flags';
import { UsageError } from '../../trainer/cli/usage-error';
import { CLIENT_FLAG_KINDS, ClientFlags, connect, printJson } from '../client/client-flags';

const Flags = ClientFlags.extend({
  adapter: Slug.optional(),
  version: z.coerce.number().int().positive().optional(),
  topK: z.coerce.number().int().min(1).max(API_LIMITS.maxTopK).optional(),
});
const KINDS = { ...CLIENT_FLAG_KINDS, adapter: 'string', version: 'string', 'top-k': 'string' } as const;

function inputsFrom(positionals: string[]): string[] {
  if (!positionals.includes('-')) return positionals;
  const stdin = readFileSync(0, 'utf8').split(/\r?\n/).filter((line) => line.trim() !== '');
  return positionals.flatMap((p) => (p === '-' ? stdin : [p]));
}

const preview = (text: string) => JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);

export async function predictCommand(argv: readonly string[]): Promise<void> {
  const { flags, positionals } = parseFlags('predict', argv, KINDS, Flags);
  if (!flags.adapter) throw new UsageError('graft predict: --adapter is required', 'run: graft predict --adapter <name> "some text"');
  const inputs = inputsFrom(positionals);
  if (inputs.length === 0) throw new UsageError('graft predict: no inputs', 'pass texts as arguments, or "-" to read lines from stdin');
  const client = await connect(flags, 'tenant');
  const results: z.infer<typeof PredictResult>[] = [];
  for (let start = 0; start < inputs.length; start += API_LIMITS.maxBatchInputs) {
    const body = {
      inputs: inputs.slice(start, start + API_LIMITS.maxBatchInputs),
      ...(flags.topK ? { top_k: flags.topK } : {}),
      ...(flags.version ? { version: flags.version } : {}),
    };
    results.push(await client.request('POST', `/v1/adapters/${encodeURIComponent(flags.adapter)}/predict`, { json: body, schema: PredictResult }));
  }
  const first = results[0]!;
  const predictions = results.flatMap((r) => r.predictions);
  if (flags.json) return printJson({ adapter: first.adapter, version: first.version, backbone: first.backbone, predictions });
  console.error(`${first.adapter} version ${first.version}`);
  predictions.forEach((p, i) => {
    const scores = p.scores ? `  ${Object.entries(p.scores).map(([l, s]) => `${l}=${s.toFixed(4)}`).join(' ')}` : '';
    console.log(`${p.label}\t${p.score.toFixed(4)}\t${preview(inputs[i]!)}${scores}`);
  });
}
