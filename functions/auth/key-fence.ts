import type { Env } from '../env';
import { ALIAS_STALENESS_MS } from '../limits';
import type { Problem } from '../problems';
import { readKey, revocationCount } from './known-keys';

/** What a request was authenticated on: its key, when D1 was asked about it, and the isolate's
 * revocation count before that. */
export interface KeyVerdict {
  id: string;
  readAt: number;
  revocations: number;
}

/**
 * A revocation must stop a request that was authenticated before it and is still running (an
 * upload in its trial run, say) from writing after the window. Every D1 write the edge makes is
 * one `batch` (one transaction), so a tenant request's DB is fenced there: before each batch the
 * verdict is checked again, and re-read from D1 when it is older than ALIAS_STALENESS_MS or this
 * isolate has revoked a key since. A revoked key's batch is refused (`revoked()`) and writes nothing.
 */
export function fenceWrites(env: Env, verdict: KeyVerdict, revoked: () => Problem): Env {
  let { readAt, revocations } = verdict;
  const confirm = async (): Promise<void> => {
    if (revocationCount() === revocations && Date.now() - readAt <= ALIAS_STALENESS_MS) return;
    const count = revocationCount();
    const known = await readKey(env.DB, verdict.id);
    if (!known || known.row.revoked_at !== null) throw revoked();
    readAt = known.readAt;
    revocations = count;
  };
  const DB = new Proxy(env.DB, {
    get(target, property) {
      if (property === 'batch') {
        return async (statements: D1PreparedStatement[]) => {
          await confirm();
          return target.batch(statements);
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { ...env, DB };
}
