import { describe, expect, it } from 'vitest';
import { resolveConnection } from '../../infra/client/connection';
import type { LocalConfig } from '../../infra/client/local-config';

const local: LocalConfig = {
  endpoint: 'http://127.0.0.1:8787',
  adminToken: 'local-admin',
  demo: { tenant: 'demo', apiKey: 'local-key', adapter: 'spam' },
};

describe('resolveConnection', () => {
  it('takes each value from its flag, else GRAFT_* variable, else .graft/local.json', () => {
    expect(resolveConnection({}, {}, local)).toMatchObject({
      endpoint: 'http://127.0.0.1:8787',
      apiKey: 'local-key',
      adminToken: 'local-admin',
      sources: { endpoint: 'local.json', apiKey: 'local.json', adminToken: 'local.json' },
    });
    const env = { GRAFT_API_KEY: 'env-key', GRAFT_ADMIN_TOKEN: 'env-admin' };
    expect(resolveConnection({}, env, local)).toMatchObject({ apiKey: 'env-key', adminToken: 'env-admin', sources: { apiKey: 'env', adminToken: 'env' } });
    expect(resolveConnection({ apiKey: 'flag-key', adminToken: 'flag-admin' }, env, local)).toMatchObject({ apiKey: 'flag-key', adminToken: 'flag-admin' });
  });

  it('treats blank values as unset and trims a trailing slash from the endpoint', () => {
    const c = resolveConnection({ endpoint: '  ' }, { GRAFT_ENDPOINT: 'http://127.0.0.1:8787/' }, undefined);
    expect(c.endpoint).toBe('http://127.0.0.1:8787');
    expect(c.sources.endpoint).toBe('env');
    expect(c.apiKey).toBeUndefined();
  });

  it("never sends local.json's credentials to another endpoint", () => {
    const c = resolveConnection({ endpoint: 'https://graft.example.workers.dev' }, {}, local);
    expect(c.apiKey).toBeUndefined();
    expect(c.adminToken).toBeUndefined();
    expect(resolveConnection({ endpoint: 'http://127.0.0.1:8787/' }, {}, local).apiKey).toBe('local-key');
  });

  it('explains a missing or malformed endpoint in one line', () => {
    expect(() => resolveConnection({}, {}, undefined)).toThrow(/no Graft endpoint configured/);
    try {
      resolveConnection({ endpoint: 'localhost:8787' }, {}, undefined);
      expect.unreachable();
    } catch (error) {
      expect((error as { line: string }).line).toBe('graft: endpoint "localhost:8787" (from flag) is not an http(s) URL — give one like http://127.0.0.1:8787');
    }
  });
});
