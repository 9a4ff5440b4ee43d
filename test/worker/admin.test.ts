import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, startGraft, TEST_ADMIN_TOKEN, type Graft } from '../helpers/worker-fixtures';

describe('admin: tenants and API keys', () => {
  let graft: Graft;

  beforeAll(async () => {
    graft = await startGraft();
  });
  afterAll(() => graft?.stop());

  it('refuses admin routes without the admin token, in constant-time style, as problem+json', async () => {
    const body = JSON.stringify({ name: 'nope' });
    const none = await graft.worker.fetch('/v1/admin/tenants', { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    await expectProblem(none, 401, 'unauthorized');
    const wrong = await graft.worker.fetch('/v1/admin/tenants', {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_ADMIN_TOKEN}x` },
    });
    await expectProblem(wrong, 401, 'unauthorized');
    // A tenant key is not an admin token.
    const key = await graft.createTenant('keyholder');
    await expectProblem(await graft.worker.fetch('/v1/admin/tenants/keyholder/keys', { method: 'POST', headers: { authorization: `Bearer ${key}` } }), 401, 'unauthorized');
  });

  it('creates tenants once, with valid names', async () => {
    const created = await graft.admin('/v1/admin/tenants', { method: 'POST', body: JSON.stringify({ name: 'globex' }) });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ id: 'globex' });
    await expectProblem(await graft.admin('/v1/admin/tenants', { method: 'POST', body: JSON.stringify({ name: 'globex' }) }), 409, 'tenant_exists');
    await expectProblem(await graft.admin('/v1/admin/tenants', { method: 'POST', body: JSON.stringify({ name: 'Bad Name!' }) }), 400, 'invalid_request');
    await expectProblem(await graft.admin('/v1/admin/tenants', { method: 'POST', body: '{not json' }), 400, 'invalid_request');
  });

  it('issues keys shown once and stored only as SHA-256', async () => {
    await expectProblem(await graft.admin('/v1/admin/tenants/ghost/keys', { method: 'POST', body: '{}' }), 404, 'tenant_not_found');
    await graft.admin('/v1/admin/tenants', { method: 'POST', body: JSON.stringify({ name: 'initech' }) });
    const res = await graft.admin('/v1/admin/tenants/initech/keys', { method: 'POST', body: JSON.stringify({ label: 'ci' }) });
    expect(res.status).toBe(201);
    const issued = (await res.json()) as { id: string; key: string; prefix: string; tenant: string; label: string };
    expect(issued).toMatchObject({ tenant: 'initech', label: 'ci' });
    expect(issued.key.startsWith(issued.prefix)).toBe(true);
    const rows = await graft.worker.d1Exec('SELECT * FROM api_keys WHERE id = ?', issued.id);
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(issued.key);
    const { createHash } = await import('node:crypto');
    expect(rows[0]!.key_sha256).toBe(createHash('sha256').update(issued.key).digest('hex'));

    const client = graft.client(issued.key);
    expect((await client.json('GET', '/v1/adapters')).status).toBe(200);
  });

  it('revokes keys: the key stops working at once; unknown or foreign keys are 404', async () => {
    await graft.admin('/v1/admin/tenants', { method: 'POST', body: JSON.stringify({ name: 'umbrella' }) });
    const issued = (await (await graft.admin('/v1/admin/tenants/umbrella/keys', { method: 'POST', body: '{}' })).json()) as { id: string; key: string };
    const client = graft.client(issued.key);
    expect((await client.json('GET', '/v1/adapters')).status).toBe(200);
    await expectProblem(await graft.admin(`/v1/admin/tenants/globex/keys/${issued.id}`, { method: 'DELETE' }), 404, 'key_not_found');
    expect((await client.json('GET', '/v1/adapters')).status).toBe(200);
    const revoked = await graft.admin(`/v1/admin/tenants/umbrella/keys/${issued.id}`, { method: 'DELETE' });
    expect(revoked.status).toBe(204);
    await expectProblem(await client.json('GET', '/v1/adapters'), 401, 'unauthorized');
    expect((await graft.admin(`/v1/admin/tenants/umbrella/keys/${issued.id}`, { method: 'DELETE' })).status).toBe(204);
    await expectProblem(await graft.admin('/v1/admin/tenants/umbrella/keys/0123456789abcdef', { method: 'DELETE' }), 404, 'key_not_found');
    const audit = await graft.worker.d1Exec("SELECT action FROM audit_log WHERE tenant_id = 'umbrella' ORDER BY id");
    expect(audit.map((r) => r.action)).toEqual(['tenant.create', 'key.create', 'key.revoke']);
  });

  it('refuses tenant routes without a valid key', async () => {
    const res = await graft.worker.fetch('/v1/adapters');
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    await expectProblem(res, 401, 'unauthorized');
    await expectProblem(await graft.worker.fetch('/v1/adapters', { headers: { authorization: 'Bearer nonsense' } }), 401, 'unauthorized');
    const forged = `gft_0123456789abcdef_${'A'.repeat(43)}`;
    await expectProblem(await graft.worker.fetch('/v1/adapters', { headers: { authorization: `Bearer ${forged}` } }), 401, 'unauthorized');
    await expectProblem(await graft.worker.fetch('/v1/adapters', { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } }), 401, 'unauthorized');
  });

  it('refuses a wrong secret under a real key id, also while that key is cached as accepted', async () => {
    await graft.admin('/v1/admin/tenants', { method: 'POST', body: JSON.stringify({ name: 'initech' }) });
    const issued = (await (await graft.admin('/v1/admin/tenants/initech/keys', { method: 'POST', body: '{}' })).json()) as { key: string };
    const secret = issued.key.slice(issued.key.lastIndexOf('_') + 1);
    const flipped = secret.slice(0, -1) + (secret.endsWith('A') ? 'B' : 'A');
    const wrong = `${issued.key.slice(0, issued.key.length - secret.length)}${flipped}`;
    expect((await graft.client(issued.key).json('GET', '/v1/adapters')).status).toBe(200);
    await expectProblem(await graft.client(wrong).json('GET', '/v1/adapters'), 401, 'unauthorized');
    expect((await graft.client(issued.key).json('GET', '/v1/adapters')).status).toBe(200);
    await expectProblem(await graft.client(wrong).json('GET', '/v1/adapters'), 401, 'unauthorized');
  });
});
