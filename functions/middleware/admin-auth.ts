import { createMiddleware } from 'hono/factory';
import { secretsEqual } from '../auth/constant-time';
import { bearerToken } from '../auth/bearer';
import type { AppEnv } from '../env';
import { Problem } from '../problems';

const CHALLENGE = { 'www-authenticate': 'Bearer realm="graft-admin"' };

/** /v1/admin/*: the ADMIN_TOKEN secret as a bearer token. No secret configured, no admin API. */
export const adminAuth = createMiddleware<AppEnv>(async (c, next) => {
  const expected = c.env.ADMIN_TOKEN;
  const given = bearerToken(c.req.header('authorization'));
  if (!expected || !given || !(await secretsEqual(given, expected))) {
    throw new Problem('unauthorized', 'a valid admin token is required', {}, CHALLENGE);
  }
  await next();
});
