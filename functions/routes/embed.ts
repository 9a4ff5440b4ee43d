import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { EmbedBody, EmbedForm, EmbedResult } from '../../core/schemas/api';
import type { BackboneManifest } from '../../core/schemas/backbone-manifest';
import type { AppEnv } from '../env';
import { readInputs, type Inputs } from '../http/read-inputs';
import { bodyReadByHandler, inputsBody, json, problems, TENANT_SECURITY } from '../http/route-docs';
import { Problem } from '../problems';
import { backboneCatalog } from '../serving/backbone-catalog';
import { backboneEmbedder } from '../serving/backbone-loader';
import { imageBackboneEmbedder } from '../serving/image-backbone-loader';

const route = createRoute({
  method: 'post',
  path: '/v1/embed',
  tags: ['predict'],
  summary: 'Raw backbone features (texts for a text backbone, images for an image one), for tenants who train elsewhere',
  security: TENANT_SECURITY,
  request: { body: inputsBody(EmbedBody, EmbedForm) },
  responses: { 200: json(EmbedResult, 'one embedding per input'), ...problems(400, 401, 404, 413, 415, 422, 429) },
});

/** The loaded backbone's embedding of the inputs, and how long embedding (not loading) took. */
async function embed(bucket: R2Bucket, manifest: BackboneManifest, sent: Inputs): Promise<{ flat: Float32Array; ms: number }> {
  let run: () => Promise<Float32Array>;
  if (sent.modality === 'image') {
    const embedder = await imageBackboneEmbedder(bucket, manifest);
    run = () => embedder.embed(sent.inputs);
  } else {
    const embedder = await backboneEmbedder(bucket, manifest);
    run = () => embedder.embed(sent.inputs);
  }
  const start = performance.now();
  const flat = await run();
  return { flat, ms: performance.now() - start };
}

export function registerEmbed(app: OpenAPIHono<AppEnv>): void {
  app.openapi(bodyReadByHandler(app, route), async (c) => {
    const start = performance.now();
    const { backbone, ...sent } = await readInputs(c.req.raw, c.env, { json: EmbedBody, form: EmbedForm });
    const manifest = (await backboneCatalog(c.env.ARTIFACTS)).get(backbone);
    if (!manifest) throw new Problem('backbone_not_found', `this edge has no backbone ${backbone}`);
    if (manifest.modality !== sent.modality) {
      throw new Problem('modality_mismatch', `backbone ${backbone} embeds ${manifest.modality}s; this request sent ${sent.modality}s`, { backbone, expected: manifest.modality });
    }
    const { flat, ms } = await embed(c.env.ARTIFACTS, manifest, sent);
    const dim = manifest.output.dim;
    const embeddings = sent.inputs.map((_, row) => Array.from(flat.subarray(row * dim, (row + 1) * dim)));
    const timings = { total_ms: performance.now() - start, features_ms: ms };
    return c.json({ backbone: { id: manifest.id, sha256: manifest.sha256, dim }, embeddings, timings }, 200);
  });
}
