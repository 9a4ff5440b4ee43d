import { z } from 'zod';
import { CreatedKey } from '../../core/schemas/api';
import { Slug } from '../../core/schemas/common';
import { parseFlags } from '../../trainer/cli/parse-flags';
import { UsageError } from '../../trainer/cli/usage-error';
import { CLIENT_FLAG_KINDS, ClientFlags, connect, printJson } from '../client/client-flags';

const Flags = ClientFlags.extend({ tenant: Slug.optional(), label: z.string().max(200).optional() });
const KINDS = { ...CLIENT_FLAG_KINDS, tenant: 'string', label: 'string' } as const;

function tenantOf(flags: { tenant?: string | undefined }, command: string): string {
  if (!flags.tenant) throw new UsageError(`graft ${command}: --tenant is required`, `see: graft ${command} --help`);
  return flags.tenant;
}

export async function keysCreateCommand(argv: readonly string[]): Promise<void> {
  const { flags, positionals } = parseFlags('keys create', argv, KINDS, Flags);
  if (positionals.length) throw new UsageError(`graft keys create: unexpected ${JSON.stringify(positionals[0])}`, 'run: graft keys create --tenant <t>');
  const tenant = tenantOf(flags, 'keys create');
  const client = await connect(flags, 'admin');
  const key: z.infer<typeof CreatedKey> = await client.request('POST', `/v1/admin/tenants/${encodeURIComponent(tenant)}/keys`, {
    json: flags.label ? { label: flags.label } : {},
    schema: CreatedKey,
  });
  if (flags.json) return printJson(key);
  console.log(key.key);
  console.error(`issued key ${key.id} for tenant ${key.tenant}; it is shown only once — export GRAFT_API_KEY=${key.key}`);
}

export async function keysRevokeCommand(argv: readonly string[]): Promise<void> {
  const { flags, positionals } = parseFlags('keys revoke', argv, KINDS, Flags);
  const tenant = tenantOf(flags, 'keys revoke');
  if (positionals.length !== 1) throw new UsageError('graft keys revoke needs exactly one key id', 'run: graft keys revoke --tenant <t> <key id>');
  const client = await connect(flags, 'admin');
  await client.request('DELETE', `/v1/admin/tenants/${encodeURIComponent(tenant)}/keys/${encodeURIComponent(positionals[0]!)}`);
  if (flags.json) return printJson({ tenant, id: positionals[0], revoked: true });
  console.log(`revoked key ${positionals[0]} of tenant ${tenant}`);
}
