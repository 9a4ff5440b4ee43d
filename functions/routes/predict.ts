import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { MultiPredictBody, MultiPredictForm, MultiPredictResult, PredictBody, PredictForm, PredictResult } from '../../core/schemas/api';
import type { AppEnv } from '../env';
import { readInputs } from '../http/read-inputs';
import { bodyReadByHandler, inputsBody, json, problems, TENANT_SECURITY } from '../http/route-docs';
import { resolveAdapter } from '../serving/adapter-versions';
import { runHeads } from '../serving/run-heads';

const predictRoute = createRoute({
  method: 'post',
  path: '/v1/adapters/{name}/predict',
  tags: ['predict'],
  summary: 'Classify texts or images with the live (or a pinned) version of one adapter',
  security: TENANT_SECURITY,
  request: { params: z.object({ name: z.string() }), body: inputsBody(PredictBody, PredictForm) },
  responses: { 200: json(PredictResult, 'one prediction per input'), ...problems(400, 401, 404, 409, 413, 415, 422, 429, 503) },
});

const multiRoute = createRoute({
  method: 'post',
  path: '/v1/predict',
  tags: ['predict'],
  summary: 'Run several adapters over the same texts or images, sharing one backbone pass',
  security: TENANT_SECURITY,
  request: { body: inputsBody(MultiPredictBody, MultiPredictForm) },
  responses: { 200: json(MultiPredictResult, 'results in request order'), ...problems(400, 401, 404, 409, 413, 415, 422, 429, 503) },
});

function elapsed(start: number): number {
  return Math.round((performance.now() - start) * 1000) / 1000;
}

export function registerPredict(app: OpenAPIHono<AppEnv>): void {
  app.openapi(bodyReadByHandler(app, predictRoute), async (c) => {
    const start = performance.now();
    const { name } = c.req.valid('param');
    const { batch, top_k, version } = await readInputs(c.req.raw, c.env, { json: PredictBody, form: PredictForm });
    const resolved = await resolveAdapter(c.env.DB, c.var.tenant, name, version);
    const run = await runHeads(c.env, [resolved], batch, top_k);
    const timings = { total_ms: elapsed(start), features_ms: run.features_ms, head_ms: run.head_ms };
    return c.json({ ...run.results[0]!, timings }, 200);
  });

  app.openapi(bodyReadByHandler(app, multiRoute), async (c) => {
    const start = performance.now();
    const { adapters, batch, top_k } = await readInputs(c.req.raw, c.env, { json: MultiPredictBody, form: MultiPredictForm });
    const refs = adapters.map((a) => (typeof a === 'string' ? { name: a, version: undefined } : a));
    const resolved = await Promise.all(refs.map((r) => resolveAdapter(c.env.DB, c.var.tenant, r.name, r.version)));
    const run = await runHeads(c.env, resolved, batch, top_k);
    return c.json({ results: run.results, timings: { total_ms: elapsed(start), features_ms: run.features_ms, head_ms: run.head_ms } }, 200);
  });
}
