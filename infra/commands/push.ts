import { z } from 'zod';
import { UploadResult } from '../../core/schemas/api';
import { Slug } from '../../core/schemas/common';
import { parseFlags } from '../../trainer/cli/parse-flags';
import { UsageError } from '../../trainer/cli/usage-error';
import { readAdapterSource, uploadForm } from '../client/adapter-source';
import { CLIENT_FLAG_KINDS, ClientFlags, connect, printJson } from '../client/client-flags';

const Flags = ClientFlags.extend({
  name: Slug.optional(),
  noActivate: z.boolean().default(false),
  s3Endpoint: z.url().optional(),
});
const KINDS = { ...CLIENT_FLAG_KINDS, name: 'string', 'no-activate': 'boolean', 's3-endpoint': 'string' } as const;

export async function pushCommand(argv: readonly string[]): Promise<void> {
  const { flags, positionals } = parseFlags('push', argv, KINDS, Flags);
  if (positionals.length !== 1) throw new UsageError('graft push needs exactly one adapter folder or s3:// prefix', 'run: graft push <dir> --name <name>');
  const client = await connect(flags, 'tenant');
  const adapter = await readAdapterSource(positionals[0]!, flags.s3Endpoint);
  const name = flags.name ?? adapter.manifest.name;
  const result = await client.request('PUT', `/v1/adapters/${encodeURIComponent(name)}`, {
    form: uploadForm(adapter),
    query: flags.noActivate ? { activate: 'false' } : {},
    schema: UploadResult,
  });
  if (flags.json) return printJson(result);
  console.log(`pushed ${result.adapter} version ${result.version} (${result.live ? 'live' : 'stored, not live'}) · ${result.bytes} bytes · sha256 ${result.sha256.slice(0, 12)}…`);
  console.log(
    result.live
      ? `try: graft predict --adapter ${result.adapter} "some text"`
      : `make it live: graft adapters activate ${result.adapter} --version ${result.version}`,
  );
}
