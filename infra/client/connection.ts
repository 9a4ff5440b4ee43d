import { UsageError } from '../../trainer/cli/usage-error';
import type { LocalConfig } from './local-config';

export interface ConnectionFlags {
  endpoint?: string | undefined;
  apiKey?: string | undefined;
  adminToken?: string | undefined;
}

export type Source = 'flag' | 'env' | 'local.json';

export interface Connection {
  endpoint: string;
  apiKey?: string;
  adminToken?: string;
  /** Where each value came from, for error messages. */
  sources: { endpoint: Source; apiKey?: Source; adminToken?: Source };
}

const blank = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v.trim());

function pick(flag: string | undefined, env: string | undefined, local: string | undefined): [string, Source] | undefined {
  if (blank(flag)) return [blank(flag)!, 'flag'];
  if (blank(env)) return [blank(env)!, 'env'];
  if (blank(local)) return [blank(local)!, 'local.json'];
  return undefined;
}

const sameEndpoint = (a: string, b: string) => a.replace(/\/+$/, '') === b.replace(/\/+$/, '');

/**
 * Each value from its flag, else GRAFT_* variable, else `.graft/local.json`. The local file's
 * credentials are only offered to the local file's endpoint: a key for the laptop's demo tenant
 * must never travel to a production edge named by --endpoint.
 */
export function resolveConnection(flags: ConnectionFlags, env: Record<string, string | undefined>, local: LocalConfig | undefined): Connection {
  const endpoint = pick(flags.endpoint, env.GRAFT_ENDPOINT, local?.endpoint);
  if (!endpoint) {
    throw new UsageError('no Graft endpoint configured', 'start the local platform with npm start, or pass --endpoint / set GRAFT_ENDPOINT');
  }
  let url: URL;
  try {
    url = new URL(endpoint[0]);
  } catch {
    url = new URL('invalid:');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`endpoint ${JSON.stringify(endpoint[0])} (from ${endpoint[1]}) is not an http(s) URL`, 'give one like http://127.0.0.1:8787');
  }
  const trusted = local && sameEndpoint(local.endpoint, endpoint[0]) ? local : undefined;
  const apiKey = pick(flags.apiKey, env.GRAFT_API_KEY, trusted?.demo?.apiKey);
  const adminToken = pick(flags.adminToken, env.GRAFT_ADMIN_TOKEN, trusted?.adminToken);
  return {
    endpoint: endpoint[0].replace(/\/+$/, ''),
    ...(apiKey ? { apiKey: apiKey[0] } : {}),
    ...(adminToken ? { adminToken: adminToken[0] } : {}),
    sources: {
      endpoint: endpoint[1],
      ...(apiKey ? { apiKey: apiKey[1] } : {}),
      ...(adminToken ? { adminToken: adminToken[1] } : {}),
    },
  };
}
