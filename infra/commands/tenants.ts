import type { z } from 'zod';
import { Tenant } from '../../core/schemas/api';
import { parseFlags } from '../../trainer/cli/parse-flags';
import { UsageError } from '../../trainer/cli/usage-error';
import { CLIENT_FLAG_KINDS, ClientFlags, connect, printJson } from '../client/client-flags';

export async function tenantsCreateCommand(argv: readonly string[]): Promise<void> {
  const { flags, positionals } = parseFlags('tenants create', argv, CLIENT_FLAG_KINDS, ClientFlags);
  if (positionals.length !== 1) throw new UsageError('graft tenants create needs exactly one name', 'run: graft tenants create <name>');
  const client = await connect(flags, 'admin');
  const tenant: z.infer<typeof Tenant> = await client.request('POST', '/v1/admin/tenants', { json: { name: positionals[0] }, schema: Tenant });
  if (flags.json) return printJson(tenant);
  console.log(`created tenant ${tenant.id}`);
  console.log(`next: graft keys create --tenant ${tenant.id}`);
}
