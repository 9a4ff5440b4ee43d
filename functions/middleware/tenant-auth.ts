import { createMiddleware } from 'hono/factory';
import { sha256Hex } from '../../core/hash/sha256';
import { apiKeyId } from '../auth/api-key';
import { bearerToken } from '../auth/bearer';
import { fixedLengthEqual } from '../auth/constant-time';
import type { AppEnv } from '../env';
import { ALIAS_STALENESS_MS } from '../limits';
import { Problem } from '../problems';
import { findKey, type ApiKeyRow } from '../stores/api-keys-store';
import { TtlCache } from '../serving/ttl-cache';

const CHALLENGE = { 'www-authenticate': 'Bearer realm="graft"' };

interface KnownKey {
  row: ApiKeyRow | null;
  /** The key that last matched the row's hash: while the entry lives, the same key skips the
   * SHA-256 (an async WebCrypto call, about a tenth of a small prediction's time in workerd;
   * docs/decisions/0023). */
  accepted?: string;
}

// Saves a D1 read per request; a revocation reaches other isolates within the same bound as an
// activation does.
const keys = new TtlCache<KnownKey>(ALIAS_STALENESS_MS);

export function forgetApiKey(id: string): void {
  keys.delete(id);
}

function refuse(): never {
  throw new Problem('unauthorized', 'a valid API key is required: Authorization: Bearer <key>', {}, CHALLENGE);
}

/** Tenant routes: a live API key; sets `tenant` and `keyId` for the handlers. */
export const tenantAuth = createMiddleware<AppEnv>(async (c, next) => {
  const key = bearerToken(c.req.header('authorization'));
  const id = key && apiKeyId(key);
  if (!key || !id) refuse();
  let known = keys.get(id);
  if (!known) {
    known = { row: await findKey(c.env.DB, id) };
    keys.set(id, known);
  }
  const { row } = known;
  if (!row || row.revoked_at !== null) refuse();
  if (known.accepted === undefined || !fixedLengthEqual(key, known.accepted)) {
    if (!fixedLengthEqual(await sha256Hex(key), row.key_sha256)) refuse();
    known.accepted = key;
  }
  c.set('tenant', row.tenant_id);
  c.set('keyId', row.id);
  await next();
});
