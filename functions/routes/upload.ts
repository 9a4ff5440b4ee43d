import type { OpenAPIHono } from '@hono/zod-openapi';
import { createRoute, z } from '@hono/zod-openapi';
import { createMiddleware } from 'hono/factory';
import { UploadResult } from '../../core/schemas/api';
import { Slug } from '../../core/schemas/common';
import type { AppEnv } from '../env';
import { json, problems, TENANT_SECURITY } from '../http/route-docs';
import { limitBody } from '../middleware/body-limit';
import { limitsFor, MAX_MANIFEST_BYTES, MAX_MODEL_BYTES } from '../limits';
import { Problem } from '../problems';
import { checkQuotas, storedBytes } from '../stores/adapters-store';
import { storeAdapterVersion } from '../upload/store-adapter-version';
import { readUpload } from '../upload/read-upload';
import { validateUpload } from '../upload/validate-upload';

const Query = z.object({ activate: z.enum(['true', 'false']).optional().meta({ description: 'false stores the version without making it live' }) });

const UploadForm = z.object({
  manifest: z.string().meta({ description: `adapter manifest JSON (graft.adapter/v1), at most ${MAX_MANIFEST_BYTES} bytes; its name is replaced by the URL's` }),
  model: z.string().meta({ format: 'binary', description: `adapter ONNX, at most ${MAX_MODEL_BYTES} bytes (deployments may lower it)` }),
});

/** Documented here; handled by a plain route because the multipart body is read by hand. */
export const uploadRoute = createRoute({
  method: 'put',
  path: '/v1/adapters/{name}',
  tags: ['adapters'],
  summary: 'Upload a new version: validated statically, checked against the backbones, trial-run, then stored',
  security: TENANT_SECURITY,
  request: {
    params: z.object({ name: Slug }),
    query: Query,
    body: { required: true, content: { 'multipart/form-data': { schema: UploadForm } } },
  },
  responses: { 201: json(UploadResult, 'stored as a new version'), ...problems(400, 401, 409, 413, 415, 422, 429) },
});

const uploadBodyLimit = createMiddleware<AppEnv>((c, next) => limitBody(limitsFor(c.env).maxModelBytes + MAX_MANIFEST_BYTES)(c, next));

export function registerUpload(app: OpenAPIHono<AppEnv>): void {
  app.openAPIRegistry.registerPath(uploadRoute);
  app.put('/v1/adapters/:name', uploadBodyLimit, async (c) => {
    const name = Slug.safeParse(c.req.param('name'));
    if (!name.success) throw new Problem('invalid_request', `adapter name: ${name.error.issues[0]?.message ?? 'invalid'}`);
    const query = Query.safeParse(c.req.query());
    if (!query.success) throw new Problem('invalid_request', 'activate must be true or false');
    const upload = await readUpload(c.req.raw);
    // Quotas first, so an upload over them costs no validation or trial run; the commit checks
    // them again with the exact manifest, atomically.
    await checkQuotas(c.env.DB, c.var.tenant, name.data, storedBytes(upload.model.length, upload.manifestText), limitsFor(c.env).quotas);
    const checked = await validateUpload(c.env, name.data, upload);
    const result = await storeAdapterVersion(c.env, {
      tenant: c.var.tenant,
      actor: `key:${c.var.keyId}`,
      activate: query.data.activate !== 'false',
      ...checked,
    });
    return c.json(result, 201);
  });
}
