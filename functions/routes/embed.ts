import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { EmbedBody, EmbedForm, EmbedResult } from '../../core/schemas/api';
import type { AppEnv } from '../env';
import { readInputs } from '../http/read-inputs';
import { bodyReadByHandler, inputsBody, json, problems, TENANT_SECURITY } from '../http/route-docs';
import { limitsFor } from '../limits';
import { Problem } from '../problems';
import { backboneCatalog } from '../serving/backbone-catalog';
import { backboneEmbedder } from '../serving/backbone-loader';
import { laneFor } from '../serving/run-lock';

const route = createRoute({
  method: 'post',
  path: '/v1/embed',
  tags: ['predict'],
  summary: 'Raw backbone features (texts for a text backbone, images for an image one), for tenants who train elsewhere',
  security: TENANT_SECURITY,
  request: { body: inputsBody(EmbedBody, EmbedForm) },
  responses: { 200: json(EmbedResult, 'one embedding per input'), ...problems(400, 401, 404, 413, 415, 422, 429, 503) },
});

export function registerEmbed(app: OpenAPIHono<AppEnv>): void {
  app.openapi(bodyReadByHandler(app, route), async (c) => {
    const start = performance.now();
    const { backbone, batch } = await readInputs(c.req.raw, c.env, { json: EmbedBody, form: EmbedForm });
    const manifest = (await backboneCatalog(c.env.ARTIFACTS)).get(backbone);
    if (!manifest) throw new Problem('backbone_not_found', `this edge has no backbone ${backbone}`);
    if (manifest.modality !== batch.modality) {
      throw new Problem('modality_mismatch', `backbone ${backbone} embeds ${manifest.modality} inputs; this request sent ${batch.modality} inputs`, { backbone, expected: manifest.modality });
    }
    const embedder = await backboneEmbedder(c.env.ARTIFACTS, manifest);
    laneFor(batch, c.var.tenant, limitsFor(c.env).runDeadlineMs);
    const embedStart = performance.now();
    const flat = await embedder.embed(batch);
    const dim = manifest.output.dim;
    const embeddings = batch.items.map((_, row) => Array.from(flat.subarray(row * dim, (row + 1) * dim)));
    const timings = { total_ms: performance.now() - start, features_ms: performance.now() - embedStart };
    return c.json({ backbone: { id: manifest.id, sha256: manifest.sha256, dim }, embeddings, timings }, 200);
  });
}
