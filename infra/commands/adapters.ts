import { z } from 'zod';
import { ActivateResult, AdapterDetail, AdapterList } from '../../core/schemas/api';
import { parseFlags } from '../../trainer/cli/parse-flags';
import { UsageError } from '../../trainer/cli/usage-error';
import { CLIENT_FLAG_KINDS, ClientFlags, connect, printJson } from '../client/client-flags';

const path = (name: string) => `/v1/adapters/${encodeURIComponent(name)}`;

function oneName(positionals: string[], command: string): string {
  if (positionals.length !== 1) throw new UsageError(`graft ${command} needs exactly one adapter name`, `see: graft ${command} --help`);
  return positionals[0]!;
}

export async function adaptersListCommand(argv: readonly string[]): Promise<void> {
  const { flags } = parseFlags('adapters list', argv, CLIENT_FLAG_KINDS, ClientFlags);
  const list = await (await connect(flags, 'tenant')).request('GET', '/v1/adapters', { schema: AdapterList });
  if (flags.json) return printJson(list);
  if (list.adapters.length === 0) return console.log('no adapters yet — train one (graft train) and push it (graft push)');
  for (const a of list.adapters) console.log(`${a.name}\tlive ${a.live_version ?? '-'}\tlatest ${a.latest_version}\tupdated ${a.updated_at}`);
}

export async function adaptersShowCommand(argv: readonly string[]): Promise<void> {
  const { flags, positionals } = parseFlags('adapters show', argv, CLIENT_FLAG_KINDS, ClientFlags);
  const name = oneName(positionals, 'adapters show');
  const detail: z.infer<typeof AdapterDetail> = await (await connect(flags, 'tenant')).request('GET', path(name), { schema: AdapterDetail });
  if (flags.json) return printJson(detail);
  const m = detail.manifest;
  console.log(`${detail.name}: live version ${detail.live_version ?? 'none'}, latest ${detail.latest_version}`);
  if (m) {
    console.log(`labels: ${m.labels.join(', ')}`);
    if (typeof m.metrics.accuracy === 'number') console.log(`validation accuracy ${m.metrics.accuracy.toFixed(4)}`);
  }
  for (const v of detail.versions) console.log(`  v${v.version}${v.live ? ' (live)' : ''}\t${v.bytes} bytes\t${v.sha256.slice(0, 12)}…\t${v.created_at}`);
}

const ActivateFlags = ClientFlags.extend({ version: z.coerce.number().int().positive({ error: 'is required (a positive integer)' }) });

export async function adaptersActivateCommand(argv: readonly string[]): Promise<void> {
  const { flags, positionals } = parseFlags('adapters activate', argv, { ...CLIENT_FLAG_KINDS, version: 'string' }, ActivateFlags);
  const name = oneName(positionals, 'adapters activate');
  const result: z.infer<typeof ActivateResult> = await (await connect(flags, 'tenant')).request('POST', `${path(name)}/activate`, {
    json: { version: flags.version },
    schema: ActivateResult,
  });
  if (flags.json) return printJson(result);
  console.log(`${result.adapter}: version ${result.version} is live (was ${result.previous ?? 'none'})`);
}

export async function adaptersDeleteCommand(argv: readonly string[]): Promise<void> {
  const { flags, positionals } = parseFlags('adapters delete', argv, CLIENT_FLAG_KINDS, ClientFlags);
  const name = oneName(positionals, 'adapters delete');
  await (await connect(flags, 'tenant')).request('DELETE', path(name));
  if (flags.json) return printJson({ adapter: name, deleted: true });
  console.log(`deleted ${name}`);
}
