import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { API_LIMITS, PredictResult } from '../../core/schemas/api';
import { Slug } from '../../core/schemas/common';
import { parseFlags } from '../../trainer/cli/parse-flags';
import { UsageError } from '../../trainer/cli/usage-error';
import type { ApiClient } from '../client/api-client';
import { CLIENT_FLAG_KINDS, ClientFlags, connect, printJson } from '../client/client-flags';
import { imageArguments, imageBatches, imageForm, type ImageArgument } from '../client/image-files';

const Flags = ClientFlags.extend({
  adapter: Slug.optional(),
  version: z.coerce.number().int().positive().optional(),
  topK: z.coerce.number().int().min(1).max(API_LIMITS.maxTopK).optional(),
});
const KINDS = { ...CLIENT_FLAG_KINDS, adapter: 'string', version: 'string', 'top-k': 'string' } as const;

type Result = z.infer<typeof PredictResult>;

function inputsFrom(positionals: string[]): string[] {
  if (!positionals.includes('-')) return positionals;
  const stdin = readFileSync(0, 'utf8').split(/\r?\n/).filter((line) => line.trim() !== '');
  return positionals.flatMap((p) => (p === '-' ? stdin : [p]));
}

const preview = (text: string) => JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);

async function predictTexts(client: ApiClient, path: string, texts: string[], options: { top_k?: number; version?: number }): Promise<Result[]> {
  const results: Result[] = [];
  for (let start = 0; start < texts.length; start += API_LIMITS.maxBatchInputs) {
    const body = { inputs: texts.slice(start, start + API_LIMITS.maxBatchInputs), ...options };
    results.push(await client.request('POST', path, { json: body, schema: PredictResult }));
  }
  return results;
}

async function predictImages(client: ApiClient, path: string, images: ImageArgument[], options: { top_k?: number; version?: number }): Promise<Result[]> {
  const fields = Object.fromEntries(Object.entries(options).map(([name, value]) => [name, String(value)]));
  const results: Result[] = [];
  for (const batch of imageBatches(images)) results.push(await client.request('POST', path, { form: await imageForm(batch, fields), schema: PredictResult }));
  return results;
}

export async function predictCommand(argv: readonly string[]): Promise<void> {
  const { flags, positionals } = parseFlags('predict', argv, KINDS, Flags);
  if (!flags.adapter) throw new UsageError('graft predict: --adapter is required', 'run: graft predict --adapter <name> "some text" (or image files)');
  const inputs = inputsFrom(positionals);
  if (inputs.length === 0) throw new UsageError('graft predict: no inputs', 'pass texts or JPEG/PNG files as arguments, or "-" to read one per line from stdin');
  const images = await imageArguments(inputs);
  const client = await connect(flags, 'tenant');
  const path = `/v1/adapters/${encodeURIComponent(flags.adapter)}/predict`;
  const options = { ...(flags.topK ? { top_k: flags.topK } : {}), ...(flags.version ? { version: flags.version } : {}) };
  const results = images ? await predictImages(client, path, images, options) : await predictTexts(client, path, inputs, options);
  const first = results[0]!;
  const predictions = results.flatMap((r) => r.predictions);
  if (flags.json) return printJson({ adapter: first.adapter, version: first.version, backbone: first.backbone, predictions });
  console.error(`${first.adapter} version ${first.version}`);
  predictions.forEach((p, i) => {
    const scores = p.scores ? `  ${Object.entries(p.scores).map(([l, s]) => `${l}=${s.toFixed(4)}`).join(' ')}` : '';
    console.log(`${p.label}\t${p.score.toFixed(4)}\t${preview(inputs[i]!)}${scores}`);
  });
}
