import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { AdapterManifest } from '../../core/schemas/adapter-manifest';
import { ActivateBody, ActivateResult, AdapterDetail, AdapterList } from '../../core/schemas/api';
import type { AppEnv } from '../env';
import { now } from '../http/now';
import { json, problems, TENANT_SECURITY } from '../http/route-docs';
import { Problem } from '../problems';
import { forgetAdapterHeads } from '../serving/adapter-sessions';
import { invalidateAdapter } from '../serving/adapter-versions';
import { activateVersion, deleteAdapter, describeAdapter, listAdapters } from '../stores/adapters-store';

// Any string: a name that cannot exist answers 404 like one that does not.
const NameParam = z.object({ name: z.string() });

const listRoute = createRoute({
  method: 'get',
  path: '/v1/adapters',
  tags: ['adapters'],
  summary: "List the tenant's adapters (at most 1000, by name)",
  security: TENANT_SECURITY,
  responses: { 200: json(AdapterList, 'the adapters'), ...problems(401, 429) },
});

const showRoute = createRoute({
  method: 'get',
  path: '/v1/adapters/{name}',
  tags: ['adapters'],
  summary: 'Inspect an adapter: versions, live version, manifest and metrics',
  security: TENANT_SECURITY,
  request: { params: NameParam },
  responses: { 200: json(AdapterDetail, 'the adapter'), ...problems(401, 404, 429) },
});

const deleteRoute = createRoute({
  method: 'delete',
  path: '/v1/adapters/{name}',
  tags: ['adapters'],
  summary: 'Stop serving an adapter at once; the name may be uploaded again (versions keep counting)',
  security: TENANT_SECURITY,
  request: { params: NameParam },
  responses: { 204: { description: 'deleted' }, ...problems(401, 404, 429) },
});

const activateRoute = createRoute({
  method: 'post',
  path: '/v1/adapters/{name}/activate',
  tags: ['adapters'],
  summary: 'Make a version live (promote or roll back), atomically',
  security: TENANT_SECURITY,
  request: { params: NameParam, body: { required: true, content: { 'application/json': { schema: ActivateBody } } } },
  responses: { 200: json(ActivateResult, 'now live'), ...problems(400, 401, 404, 413, 429) },
});

export function registerAdapters(app: OpenAPIHono<AppEnv>): void {
  app.openapi(listRoute, async (c) => c.json({ adapters: await listAdapters(c.env.DB, c.var.tenant) }, 200));

  app.openapi(showRoute, async (c) => {
    const { name } = c.req.valid('param');
    const { summary, versions } = await describeAdapter(c.env.DB, c.var.tenant, name);
    const shown = versions.find((v) => v.version === summary.live_version) ?? versions.at(-1);
    return c.json(
      {
        ...summary,
        manifest: shown ? (JSON.parse(shown.manifest) as AdapterManifest) : null,
        versions: versions.map(({ version, sha256, bytes, created_at }) => ({ version, sha256, bytes, created_at, live: version === summary.live_version })),
      },
      200,
    );
  });

  app.openapi(deleteRoute, async (c) => {
    const { name } = c.req.valid('param');
    const deleted = await deleteAdapter(c.env.DB, c.var.tenant, name, `key:${c.var.keyId}`, now());
    invalidateAdapter(c.var.tenant, name);
    forgetAdapterHeads(c.env, c.var.tenant, name);
    if (!deleted) throw new Problem('adapter_not_found', `no adapter named ${name}`);
    return c.body(null, 204);
  });

  app.openapi(activateRoute, async (c) => {
    const { name } = c.req.valid('param');
    const { version } = c.req.valid('json');
    const previous = await activateVersion(c.env.DB, c.var.tenant, name, version, `key:${c.var.keyId}`, now());
    invalidateAdapter(c.var.tenant, name);
    return c.json({ adapter: name, version, previous }, 200);
  });
}
