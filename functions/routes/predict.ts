import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { MultiPredictBody, MultiPredictResult, PredictBody, PredictResult } from '../../core/schemas/api';
import type { AppEnv, Env } from '../env';
import { json, problems, TENANT_SECURITY } from '../http/route-docs';
import { limitsFor } from '../limits';
import { Problem } from '../problems';
import { resolveAdapter } from '../serving/adapter-versions';
import { runHeads } from '../serving/run-heads';

const predictRoute = createRoute({
  method: 'post',
  path: '/v1/adapters/{name}/predict',
  tags: ['predict'],
  summary: 'Classify texts with the live (or a pinned) version of one adapter',
  security: TENANT_SECURITY,
  request: { params: z.object({ name: z.string() }), body: { required: true, content: { 'application/json': { schema: PredictBody } } } },
  responses: { 200: json(PredictResult, 'one prediction per input'), ...problems(400, 401, 404, 409, 413, 422, 429) },
});

const multiRoute = createRoute({
  method: 'post',
  path: '/v1/predict',
  tags: ['predict'],
  summary: 'Run several adapters over the same texts, sharing one backbone pass',
  security: TENANT_SECURITY,
  request: { body: { required: true, content: { 'application/json': { schema: MultiPredictBody } } } },
  responses: { 200: json(MultiPredictResult, 'results in request order'), ...problems(400, 401, 404, 409, 413, 422, 429) },
});

/** Deployments may lower the batch ceiling the schema enforces. */
export function checkBatch(env: Env, inputs: readonly string[]): void {
  const { maxBatchInputs } = limitsFor(env);
  if (inputs.length > maxBatchInputs) throw new Problem('too_many_inputs', `at most ${maxBatchInputs} inputs per request`, { limit: maxBatchInputs });
}

function elapsed(start: number): number {
  return Math.round((performance.now() - start) * 1000) / 1000;
}

export function registerPredict(app: OpenAPIHono<AppEnv>): void {
  app.openapi(predictRoute, async (c) => {
    const start = performance.now();
    const { name } = c.req.valid('param');
    const { inputs, top_k, version } = c.req.valid('json');
    checkBatch(c.env, inputs);
    const resolved = await resolveAdapter(c.env.DB, c.var.tenant, name, version);
    const run = await runHeads(c.env, [resolved], inputs, top_k);
    const timings = { total_ms: elapsed(start), features_ms: run.features_ms, head_ms: run.head_ms };
    return c.json({ ...run.results[0]!, timings }, 200);
  });

  app.openapi(multiRoute, async (c) => {
    const start = performance.now();
    const { adapters, inputs, top_k } = c.req.valid('json');
    checkBatch(c.env, inputs);
    const refs = adapters.map((a) => (typeof a === 'string' ? { name: a, version: undefined } : a));
    const resolved = await Promise.all(refs.map((r) => resolveAdapter(c.env.DB, c.var.tenant, r.name, r.version)));
    const run = await runHeads(c.env, resolved, inputs, top_k);
    return c.json({ results: run.results, timings: { total_ms: elapsed(start), features_ms: run.features_ms, head_ms: run.head_ms } }, 200);
  });
}
