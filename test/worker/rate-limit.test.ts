import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, startGraft, type Graft } from '../helpers/worker-fixtures';

describe('per-tenant rate limit (Workers rate-limiting binding)', () => {
  let graft: Graft;

  beforeAll(async () => {
    graft = await startGraft({ miniflare: { ratelimits: { RATE_LIMITER: { simple: { limit: 3, period: 60 } } } } });
  });
  afterAll(() => graft?.stop());

  it('answers 429 rate_limited with Retry-After once a tenant spends its window, and only that tenant', async () => {
    const acme = graft.client(await graft.createTenant('acme'));
    const globex = graft.client(await graft.createTenant('globex'));
    for (let i = 0; i < 3; i++) expect((await acme.json('GET', '/v1/adapters')).status).toBe(200);
    const limited = await acme.json('GET', '/v1/adapters');
    expect(limited.headers.get('retry-after')).toBe('60');
    await expectProblem(limited, 429, 'rate_limited');
    await expectProblem(await acme.predict('x', { inputs: ['a'] }), 429, 'rate_limited');
    expect((await globex.json('GET', '/v1/adapters')).status).toBe(200);
    // Admin and health routes are not tenant-limited.
    expect((await graft.worker.fetch('/healthz')).status).toBe(200);
  });
});
