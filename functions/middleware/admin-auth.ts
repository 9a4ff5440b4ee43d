import { createMiddleware } from 'hono/factory';
import { countFailure, refuseIfBlocked } from '../auth/auth-failures';
import { bearerToken } from '../auth/bearer';
import { clientAddress } from '../auth/client-address';
import { secretsEqual } from '../auth/constant-time';
import type { AppEnv } from '../env';
import { Problem } from '../problems';

const CHALLENGE = { 'www-authenticate': 'Bearer realm="graft-admin"' };

function unauthorized(): Problem {
  return new Problem('unauthorized', 'a valid admin token is required', {}, CHALLENGE);
}

/**
 * /v1/admin/*: the ADMIN_TOKEN secret as a bearer token. No secret configured, no admin API. A
 * wrong token counts against the client's address like a wrong API key (auth/auth-failures.ts),
 * so the token cannot be guessed faster than that budget; the comparison is constant time.
 */
export const adminAuth = createMiddleware<AppEnv>(async (c, next) => {
  const expected = c.env.ADMIN_TOKEN;
  const given = bearerToken(c.req.header('authorization'));
  // Nothing configured or nothing presented: there is no guess to count.
  if (!expected || !given) throw unauthorized();
  const address = clientAddress(c.req.header('cf-connecting-ip'));
  refuseIfBlocked(address);
  if (!(await secretsEqual(given, expected))) {
    await countFailure(c.env, address);
    throw unauthorized();
  }
  await next();
});
