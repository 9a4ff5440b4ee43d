import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problemOf, TEST_ADMIN_TOKEN } from '../helpers/worker-fixtures';
import { startWorker, type WorkerHarness } from '../helpers/worker-harness';

interface Doc {
  paths: Record<string, Record<string, { security?: Record<string, unknown>[] }>>;
}

/** Routes served today and who may call them; the document must list at least these. */
const KNOWN: Record<string, string> = {
  'GET /healthz': 'none',
  'GET /v1/backbones': 'tenantKey',
  'GET /v1/adapters': 'tenantKey',
  'GET /v1/adapters/{name}': 'tenantKey',
  'PUT /v1/adapters/{name}': 'tenantKey',
  'DELETE /v1/adapters/{name}': 'tenantKey',
  'POST /v1/adapters/{name}/activate': 'tenantKey',
  'POST /v1/adapters/{name}/predict': 'tenantKey',
  'POST /v1/predict': 'tenantKey',
  'POST /v1/embed': 'tenantKey',
  'POST /v1/admin/tenants': 'adminToken',
  'POST /v1/admin/tenants/{tenant}/keys': 'adminToken',
  'DELETE /v1/admin/tenants/{tenant}/keys/{id}': 'adminToken',
};

/** Authorization headers each security scheme must refuse; undefined sends none. */
const REFUSED: Record<string, [what: string, authorization: string | undefined][]> = {
  tenantKey: [
    ['no key', undefined],
    ['a malformed key', 'Bearer not-a-key'],
    ['the admin token', `Bearer ${TEST_ADMIN_TOKEN}`],
  ],
  adminToken: [
    ['no token', undefined],
    ['a wrong token', `Bearer ${TEST_ADMIN_TOKEN}x`],
  ],
};

function schemeOf(security: Record<string, unknown>[] | undefined): string {
  const names = [...new Set((security ?? []).flatMap((s) => Object.keys(s)))];
  return names.length === 0 ? 'none' : names.join('+');
}

describe('every documented route is guarded as its document says', () => {
  let worker: WorkerHarness;
  let routes: Record<string, string>;

  beforeAll(async () => {
    worker = await startWorker();
    const doc = (await (await worker.fetch('/openapi.json')).json()) as Doc;
    routes = Object.fromEntries(
      Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => [`${method.toUpperCase()} ${path}`, schemeOf(op.security)])),
    );
  });
  afterAll(() => worker?.stop());

  it('documents at least the routes known today, with their security', () => {
    expect(routes).toMatchObject(KNOWN);
  });

  it('refuses missing and bad credentials with 401 unauthorized on every secured route; never 401 on an open one', async () => {
    for (const [route, scheme] of Object.entries(routes)) {
      const [method, path] = route.split(' ') as [string, string];
      const url = path.replace(/\{[^}]+\}/g, 'dummy');
      if (scheme === 'none') {
        const res = await worker.fetch(url, { method });
        await res.arrayBuffer();
        expect.soft(res.status, route).not.toBe(401);
        continue;
      }
      const refused = REFUSED[scheme];
      // A new scheme needs its own bad credentials here before its routes count as covered.
      expect.soft(refused, `${route}: unknown security ${scheme}`).toBeDefined();
      for (const [what, authorization] of refused ?? []) {
        const res = await worker.fetch(url, { method, headers: authorization ? { authorization } : {} });
        const challenge = res.headers.get('www-authenticate');
        const { status, code, contentType } = await problemOf(res);
        expect.soft({ status, code, contentType, challenge }, `${route} with ${what}`).toEqual({
          status: 401,
          code: 'unauthorized',
          contentType: expect.stringMatching(/^application\/problem\+json/),
          challenge: expect.stringMatching(/^Bearer /),
        });
      }
    }
  });

  it('serves the document, the docs page and misses (also under secured prefixes) without credentials', async () => {
    for (const path of ['/openapi.json', '/docs']) expect((await worker.fetch(path)).status, path).toBe(200);
    for (const [method, path] of [['GET', '/nope'], ['GET', '/v1/adapters/dummy/nope'], ['PATCH', '/v1/adapters/dummy'], ['GET', '/v1/admin/tenants']] as const) {
      const { status, code, contentType } = await problemOf(await worker.fetch(path, { method }));
      expect({ status, code, contentType }, `${method} ${path}`).toEqual({ status: 404, code: 'not_found', contentType: expect.stringMatching(/^application\/problem\+json/) });
    }
  });
});
