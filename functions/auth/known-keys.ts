import { ALIAS_STALENESS_MS } from '../limits';
import { findKey, type ApiKeyRow } from '../stores/api-keys-store';
import { TtlCache } from '../serving/ttl-cache';

/** A key's row as D1 last said, and when this isolate asked. */
export interface KnownKey {
  row: ApiKeyRow;
  /** Date.now() when the read was sent: the verdict is at least this fresh. */
  readAt: number;
  /** The key that last matched the row's hash: while the entry lives, the same key skips the
   * SHA-256 (an async WebCrypto call, about a tenth of a small prediction's time in workerd;
   * docs/decisions/0023). */
  accepted?: string;
}

// Saves a D1 read per request; a revocation reaches other isolates within the same bound as an
// activation does. Only rows that exist are kept: unknown ids are not remembered, so a flood of
// them cannot push live keys out (auth-failures.ts bounds what they cost instead).
const keys = new TtlCache<KnownKey>(ALIAS_STALENESS_MS);

// Bumped by every revocation this isolate serves; a read that spans one is not kept, and a
// request that was authenticated before one re-reads its key before it writes (key-fence.ts).
let revocations = 0;

export function revocationCount(): number {
  return revocations;
}

export function knownKey(id: string): KnownKey | undefined {
  return keys.get(id);
}

/** Reads the key's row from D1; keeps it unless the key does not exist or a revocation raced the read. */
export async function readKey(db: D1Database, id: string): Promise<KnownKey | undefined> {
  const readAt = Date.now();
  const before = revocations;
  const row = await findKey(db, id);
  if (!row) return undefined;
  const known: KnownKey = { row, readAt };
  if (revocations === before) keys.set(id, known);
  return known;
}

/** The revoke route, after D1 committed it: the key stops working at once in this isolate. */
export function forgetApiKey(id: string): void {
  revocations++;
  keys.delete(id);
}
