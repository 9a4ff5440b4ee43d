import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { EmbedBody, EmbedResult } from '../../core/schemas/api';
import type { AppEnv } from '../env';
import { json, problems, TENANT_SECURITY } from '../http/route-docs';
import { Problem } from '../problems';
import { backboneCatalog } from '../serving/backbone-catalog';
import { backboneEmbedder } from '../serving/backbone-loader';
import { checkBatch } from './predict';

const route = createRoute({
  method: 'post',
  path: '/v1/embed',
  tags: ['predict'],
  summary: "Raw backbone features, for tenants who train elsewhere",
  security: TENANT_SECURITY,
  request: { body: { required: true, content: { 'application/json': { schema: EmbedBody } } } },
  responses: { 200: json(EmbedResult, 'one embedding per input'), ...problems(400, 401, 404, 413, 422, 429) },
});

export function registerEmbed(app: OpenAPIHono<AppEnv>): void {
  app.openapi(route, async (c) => {
    const start = performance.now();
    const { backbone, inputs } = c.req.valid('json');
    checkBatch(c.env, inputs);
    const manifest = (await backboneCatalog(c.env.ARTIFACTS)).get(backbone);
    if (!manifest) throw new Problem('backbone_not_found', `this edge has no backbone ${backbone}`);
    const embedder = await backboneEmbedder(c.env.ARTIFACTS, manifest);
    const t0 = performance.now();
    const flat = await embedder.embed(inputs);
    const dim = manifest.output.dim;
    const embeddings = inputs.map((_, row) => Array.from(flat.subarray(row * dim, (row + 1) * dim)));
    const timings = { total_ms: performance.now() - start, features_ms: performance.now() - t0 };
    return c.json({ backbone: { id: manifest.id, sha256: manifest.sha256, dim }, embeddings, timings }, 200);
  });
}
