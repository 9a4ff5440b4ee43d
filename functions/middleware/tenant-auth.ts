import { createMiddleware } from 'hono/factory';
import { sha256Hex } from '../../core/hash/sha256';
import { apiKeyId } from '../auth/api-key';
import { countFailure, refuseIfBlocked } from '../auth/auth-failures';
import { bearerToken } from '../auth/bearer';
import { clientAddress } from '../auth/client-address';
import { fixedLengthEqual } from '../auth/constant-time';
import { fenceWrites } from '../auth/key-fence';
import { knownKey, readKey, revocationCount, type KnownKey } from '../auth/known-keys';
import type { AppEnv } from '../env';
import { Problem } from '../problems';

const CHALLENGE = { 'www-authenticate': 'Bearer realm="graft"' };

function unauthorized(detail = 'a valid API key is required: Authorization: Bearer <key>'): Problem {
  return new Problem('unauthorized', detail, {}, CHALLENGE);
}

function remembered(known: KnownKey | undefined, key: string): known is KnownKey {
  return known?.accepted !== undefined && fixedLengthEqual(key, known.accepted);
}

async function verify(known: KnownKey, key: string): Promise<boolean> {
  if (known.row.revoked_at !== null || !fixedLengthEqual(await sha256Hex(key), known.row.key_sha256)) return false;
  known.accepted = key;
  return true;
}

/**
 * Tenant routes: a live API key; sets `tenant` and `keyId` for the handlers, and fences their D1
 * writes by the key (auth/key-fence.ts).
 *
 * In order, cheapest first: a header that is no key of ours is refused (a regular expression; not
 * counted, as it costs nothing and a misconfigured client should not lock out its neighbours); a
 * key this isolate accepted within ALIAS_STALENESS_MS passes; an address over its budget of failed
 * authentications is refused before its key costs a D1 read or a hash; then the row is read and
 * the hash compared, and a refusal is counted against the address.
 */
export const tenantAuth = createMiddleware<AppEnv>(async (c, next) => {
  const key = bearerToken(c.req.header('authorization'));
  const id = key && apiKeyId(key);
  if (!key || !id) throw unauthorized();
  const revocations = revocationCount();
  let known = knownKey(id);
  if (!remembered(known, key)) {
    const address = clientAddress(c.req.header('cf-connecting-ip'));
    refuseIfBlocked(address);
    known ??= await readKey(c.env.DB, id);
    if (!known || !(await verify(known, key))) {
      await countFailure(c.env, address);
      throw unauthorized();
    }
  }
  c.set('tenant', known.row.tenant_id);
  c.set('keyId', known.row.id);
  c.env = fenceWrites(c.env, { id, readAt: known.readAt, revocations }, () =>
    unauthorized('the API key was revoked while this request ran; nothing was written'),
  );
  await next();
});
