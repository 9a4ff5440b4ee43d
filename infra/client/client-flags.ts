import { z } from 'zod';
import { UsageError } from '../../trainer/cli/usage-error';
import { ApiClient } from './api-client';
import { resolveConnection, type ConnectionFlags } from './connection';
import { localConfigPath, readLocalConfig } from './local-config';

/** Flags every client command takes; spread into a command's own kinds and schema. */
export const CLIENT_FLAG_KINDS = { endpoint: 'string', 'api-key': 'string', 'admin-token': 'string', json: 'boolean' } as const;

export const ClientFlags = z.object({
  endpoint: z.string().optional(),
  apiKey: z.string().optional(),
  adminToken: z.string().optional(),
  json: z.boolean().default(false),
});

/** An API client for the tenant routes (`tenant`) or the admin routes (`admin`). */
export async function connect(flags: ConnectionFlags, role: 'tenant' | 'admin', env = process.env): Promise<ApiClient> {
  const connection = resolveConnection(flags, env, await readLocalConfig());
  const token = role === 'admin' ? connection.adminToken : connection.apiKey;
  if (!token) {
    throw role === 'admin'
      ? new UsageError(`no admin token for ${connection.endpoint}`, `pass --admin-token or set GRAFT_ADMIN_TOKEN (npm start writes it to ${localConfigPath()})`)
      : new UsageError(`no API key for ${connection.endpoint}`, 'pass --api-key or set GRAFT_API_KEY (issue one: graft keys create --tenant <t>)');
  }
  return new ApiClient(connection.endpoint, token);
}

export function printJson(value: unknown): void {
  console.log(JSON.stringify(value, null, 2));
}
