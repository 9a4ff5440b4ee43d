import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { sha256Hex } from '../../core/hash/sha256';
import { CreatedKey, CreateKeyBody, CreateTenantBody, Tenant } from '../../core/schemas/api';
import { generateApiKey } from '../auth/api-key';
import { forgetApiKey } from '../auth/known-keys';
import type { AppEnv } from '../env';
import { now } from '../http/now';
import { ADMIN_SECURITY, json, problems } from '../http/route-docs';
import { Problem } from '../problems';
import { findKey, insertKey, revokeKey } from '../stores/api-keys-store';
import { createTenant, tenantExists } from '../stores/tenants-store';

const TenantParam = z.object({ tenant: z.string() });

const createTenantRoute = createRoute({
  method: 'post',
  path: '/v1/admin/tenants',
  tags: ['admin'],
  summary: 'Provision a tenant',
  security: ADMIN_SECURITY,
  request: { body: { required: true, content: { 'application/json': { schema: CreateTenantBody } } } },
  responses: { 201: json(Tenant, 'created'), ...problems(400, 401, 409, 413, 429) },
});

const createKeyRoute = createRoute({
  method: 'post',
  path: '/v1/admin/tenants/{tenant}/keys',
  tags: ['admin'],
  summary: 'Issue an API key; the key is shown only in this response',
  security: ADMIN_SECURITY,
  request: { params: TenantParam, body: { required: false, content: { 'application/json': { schema: CreateKeyBody } } } },
  responses: { 201: json(CreatedKey, 'created'), ...problems(400, 401, 404, 413, 429) },
});

const revokeKeyRoute = createRoute({
  method: 'delete',
  path: '/v1/admin/tenants/{tenant}/keys/{id}',
  tags: ['admin'],
  summary: 'Revoke an API key (idempotent)',
  security: ADMIN_SECURITY,
  request: { params: TenantParam.extend({ id: z.string() }) },
  responses: { 204: { description: 'revoked' }, ...problems(401, 404, 429) },
});

export function registerAdmin(app: OpenAPIHono<AppEnv>): void {
  app.openapi(createTenantRoute, async (c) => {
    const { name } = c.req.valid('json');
    const at = now();
    await createTenant(c.env.DB, name, at);
    return c.json({ id: name, created_at: at }, 201);
  });

  app.openapi(createKeyRoute, async (c) => {
    const { tenant } = c.req.valid('param');
    const { label } = c.req.valid('json');
    if (!(await tenantExists(c.env.DB, tenant))) throw new Problem('tenant_not_found', `no tenant ${tenant}`);
    const { id, prefix, key } = generateApiKey();
    const at = now();
    await insertKey(c.env.DB, { id, tenant_id: tenant, key_sha256: await sha256Hex(key), prefix, label: label ?? null, created_at: at });
    return c.json({ id, tenant, key, prefix, label: label ?? null, created_at: at }, 201);
  });

  app.openapi(revokeKeyRoute, async (c) => {
    const { tenant, id } = c.req.valid('param');
    const row = await findKey(c.env.DB, id);
    if (!row || row.tenant_id !== tenant) throw new Problem('key_not_found', `tenant ${tenant} has no key ${id}`);
    await revokeKey(c.env.DB, tenant, id, now());
    forgetApiKey(id);
    return c.body(null, 204);
  });
}
