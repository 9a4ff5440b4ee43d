import type { Env } from '../env';
import { AUTH_FAILURE_PERIOD_S, BLOCKED_ADDRESSES_MAX } from '../limits';
import { Problem } from '../problems';
import { TtlCache } from '../serving/ttl-cache';

/**
 * Failed authentications, per client address (auth/client-address.ts), through the AUTH_FAILURES
 * binding. The binding only counts and answers; it cannot be asked without counting. So only
 * refused credentials are counted (a valid key never spends the budget), and an address the
 * binding turned away is remembered here for the rest of its window: from then on it is refused
 * before its key costs a D1 read or a hash. Another isolate learns of it at the address's first
 * failure there, at the cost of that one read.
 */
const blocked = new TtlCache<true>(AUTH_FAILURE_PERIOD_S * 1000, { maxEntries: BLOCKED_ADDRESSES_MAX });

function tooMany(address: string): Problem {
  return new Problem('auth_rate_limited', `too many failed authentications from ${address}; retry later`, {}, {
    'retry-after': String(AUTH_FAILURE_PERIOD_S),
  });
}

/** Throws 429 `auth_rate_limited` while `address` is over its budget. */
export function refuseIfBlocked(address: string): void {
  if (blocked.get(address)) throw tooMany(address);
}

/** Counts one refused credential; throws 429 `auth_rate_limited` when it is one too many. */
export async function countFailure(env: Env, address: string): Promise<void> {
  const { success } = await env.AUTH_FAILURES.limit({ key: address });
  if (success) return;
  blocked.set(address, true);
  throw tooMany(address);
}
