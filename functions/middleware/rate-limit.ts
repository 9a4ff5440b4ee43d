import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env';
import { RATE_LIMIT_PERIOD_S } from '../limits';
import { Problem } from '../problems';

/** Per tenant, after auth, through the Workers rate-limiting binding (limit in wrangler.jsonc). */
export const rateLimit = createMiddleware<AppEnv>(async (c, next) => {
  const { success } = await c.env.RATE_LIMITER.limit({ key: c.var.tenant });
  if (!success) {
    throw new Problem('rate_limited', `request rate limit reached for tenant ${c.var.tenant}`, {}, {
      'retry-after': String(RATE_LIMIT_PERIOD_S),
    });
  }
  await next();
});
