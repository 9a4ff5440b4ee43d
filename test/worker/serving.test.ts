import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as ortNode from 'onnxruntime-node';
import { adapterModelKey } from '../../core/storage/keys';
import { API_LIMITS } from '../../core/schemas/api';
import {
  expectProblem,
  referenceProbs,
  startGraft,
  tinyAdapter,
  TINY_BACKBONE_ID,
  type Client,
  type Graft,
} from '../helpers/worker-fixtures';

const TEXTS = ['free money click now', 'meeting tomorrow about the project report', 'nothing known here', ''];

describe('serving: predict, multi-predict, embed, backbones, health, docs, limits', () => {
  let graft: Graft;
  let acme: Client;
  const spam = () => tinyAdapter(graft.backbone, 'spam', ['ham', 'spam'], 1);
  const topic = () => tinyAdapter(graft.backbone, 'topic', ['work', 'money', 'other'], 2, [{ source: 'hashed-ngrams', dim: 32, ngrams: [1] }]);

  beforeAll(async () => {
    graft = await startGraft();
    acme = graft.client(await graft.createTenant('acme'));
  });
  afterAll(() => graft?.stop());

  it('healthz loads nothing and needs no key', async () => {
    const res = await graft.worker.fetch('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, runtime_loaded: false, backbones: [], adapters_cached: 0, adapter_cache_bytes: 0, adapter_cache_hits: 0, adapter_cache_misses: 0, ort_heap_bytes: 0 });
  });

  it('lists backbones', async () => {
    const res = await acme.json('GET', '/v1/backbones');
    const { manifest } = graft.backbone;
    expect(await res.json()).toEqual({
      backbones: [{ id: TINY_BACKBONE_ID, version: manifest.version, modality: 'text', sha256: manifest.sha256, dim: 16, inputs: [{ name: 'ids', dtype: 'int32' }, { name: 'counts', dtype: 'float32' }], loaded: false }],
    });
  });

  it('predicts like onnxruntime-node, with backbone and lexical blocks', async () => {
    for (const { manifest, model } of [spam(), topic()]) {
      expect((await acme.upload(manifest.name, manifest, model)).status).toBe(201);
      const res = await acme.predict(manifest.name, { inputs: TEXTS, top_k: manifest.labels.length });
      expect(res.status, await res.clone().text()).toBe(200);
      const body = (await res.json()) as { adapter: string; version: number; backbone: unknown; predictions: { label: string; score: number; scores: Record<string, number> }[]; timings: Record<string, number> };
      expect(body).toMatchObject({ adapter: manifest.name, version: 1, backbone: { id: TINY_BACKBONE_ID, sha256: graft.backbone.manifest.sha256 } });
      expect(Object.keys(body.timings).sort()).toEqual(['features_ms', 'head_ms', 'total_ms']);
      const expected = await referenceProbs(graft.backbone, manifest, model, TEXTS);
      const k = manifest.labels.length;
      body.predictions.forEach((p, row) => {
        manifest.labels.forEach((label, i) => expect(p.scores[label]).toBeCloseTo(expected[row * k + i]!, 5));
        const best = manifest.labels[expected.subarray(row * k, (row + 1) * k).indexOf(Math.max(...expected.subarray(row * k, (row + 1) * k)))];
        expect(p.label).toBe(best);
      });
      const plain = (await (await acme.predict(manifest.name, { inputs: TEXTS })).json()) as { predictions: object[] };
      expect(plain.predictions.every((p) => !('scores' in p))).toBe(true);
    }
    const health = (await (await graft.worker.fetch('/healthz')).json()) as { runtime_loaded: boolean; backbones: unknown[]; adapters_cached: number };
    // The text backbone and these heads are evaluated in TypeScript: ONNX Runtime never loads.
    expect(health).toMatchObject({ runtime_loaded: false, backbones: [{ id: TINY_BACKBONE_ID, sha256: graft.backbone.manifest.sha256 }], adapters_cached: 2 });
  });

  it('runs several heads over one backbone pass', async () => {
    const res = await acme.json('POST', '/v1/predict', { adapters: ['spam', { name: 'topic', version: 1 }], inputs: TEXTS, top_k: 1 });
    expect(res.status, await res.clone().text()).toBe(200);
    const body = (await res.json()) as { results: { adapter: string; predictions: unknown }[]; timings: object };
    expect(body.results.map((r) => r.adapter)).toEqual(['spam', 'topic']);
    for (const result of body.results) {
      const single = (await (await acme.predict(result.adapter, { inputs: TEXTS, top_k: 1 })).json()) as { predictions: unknown };
      expect(result.predictions).toEqual(single.predictions);
    }
    await expectProblem(await acme.json('POST', '/v1/predict', { adapters: ['spam', 'nope'], inputs: TEXTS }), 404, 'adapter_not_found');
    await expectProblem(await acme.json('POST', '/v1/predict', { adapters: Array(API_LIMITS.maxAdaptersPerPredict + 1).fill('spam'), inputs: TEXTS }), 422, 'too_many_adapters');
  });

  it('embeds with the backbone, like onnxruntime-node', async () => {
    const res = await acme.json('POST', '/v1/embed', { backbone: TINY_BACKBONE_ID, inputs: TEXTS.slice(0, 2) });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { backbone: { dim: number }; embeddings: number[][] };
    expect(body.backbone).toEqual({ id: TINY_BACKBONE_ID, sha256: graft.backbone.manifest.sha256, dim: 16 });
    const session = await ortNode.InferenceSession.create(graft.backbone.model);
    const vocab = graft.backbone.vocab.split('\n');
    const ids = ['free', 'money', 'click', 'now'].map((w) => vocab.indexOf(w) + 1).filter((id) => id > 0);
    const out = await session.run({ ids: new ortNode.Tensor('int32', Int32Array.from(ids), [1, ids.length]), counts: new ortNode.Tensor('float32', new Float32Array(ids.length).fill(1), [1, ids.length]) });
    const expected = Array.from(out.embedding!.data as Float32Array);
    body.embeddings[0]!.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
    await session.release();
    await expectProblem(await acme.json('POST', '/v1/embed', { backbone: 'nope', inputs: ['x'] }), 404, 'backbone_not_found');
  });

  it('enforces batch, text and body limits', async () => {
    const tooMany = Array(API_LIMITS.maxBatchInputs + 1).fill('x');
    await expectProblem(await acme.predict('spam', { inputs: tooMany }), 422, 'too_many_inputs');
    await expectProblem(await acme.json('POST', '/v1/embed', { backbone: TINY_BACKBONE_ID, inputs: tooMany }), 422, 'too_many_inputs');
    expect((await acme.predict('spam', { inputs: Array(API_LIMITS.maxBatchInputs).fill('free money') })).status).toBe(200);
    await expectProblem(await acme.predict('spam', { inputs: ['a'.repeat(API_LIMITS.maxTextChars + 1)] }), 422, 'text_too_long');
    expect((await acme.predict('spam', { inputs: ['money '.repeat(API_LIMITS.maxTextChars / 6)] })).status).toBe(200);
    await expectProblem(await acme.predict('spam', { inputs: [] }), 400, 'invalid_request');
    await expectProblem(await acme.predict('spam', { inputs: 'free money' }), 400, 'invalid_request');
    await expectProblem(await acme.predict('spam', { inputs: ['x'], top_k: 0 }), 400, 'invalid_request');
    await expectProblem(await acme.fetch('/v1/adapters/spam/predict', { method: 'POST', body: '{"inputs":', headers: { 'content-type': 'application/json' } }), 400, 'invalid_request');
    await expectProblem(await acme.fetch('/v1/adapters/spam/predict', { method: 'POST', body: 'x'.repeat(9 * 1024 * 1024), headers: { 'content-type': 'application/json' } }), 413, 'payload_too_large');
  });

  it('answers unknown routes with problem+json', async () => {
    await expectProblem(await graft.worker.fetch('/nope'), 404, 'not_found');
  });

  it('publishes /openapi.json and /docs from the same schemas', async () => {
    const doc = (await (await graft.worker.fetch('/openapi.json')).json()) as { openapi: string; paths: Record<string, Record<string, unknown>>; components: { securitySchemes: object } };
    expect(doc.openapi).toBe('3.1.0');
    const routes = Object.entries(doc.paths).flatMap(([p, ms]) => Object.keys(ms).map((m) => `${m.toUpperCase()} ${p}`)).sort();
    expect(routes).toEqual(
      [
        'GET /healthz',
        'GET /v1/backbones',
        'POST /v1/admin/tenants',
        'POST /v1/admin/tenants/{tenant}/keys',
        'DELETE /v1/admin/tenants/{tenant}/keys/{id}',
        'PUT /v1/adapters/{name}',
        'GET /v1/adapters',
        'GET /v1/adapters/{name}',
        'DELETE /v1/adapters/{name}',
        'POST /v1/adapters/{name}/activate',
        'POST /v1/adapters/{name}/predict',
        'POST /v1/predict',
        'POST /v1/embed',
      ].sort(),
    );
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['adminToken', 'tenantKey']);
    expect(JSON.stringify(doc.paths['/v1/adapters/{name}/predict'])).toContain(`"maxItems":${API_LIMITS.maxBatchInputs}`);
    const docs = await graft.worker.fetch('/docs');
    expect(docs.headers.get('content-type')).toMatch(/text\/html/);
    const html = await docs.text();
    for (const path of Object.keys(doc.paths)) expect(html).toContain(path);
    for (const code of ['adapter_not_found', 'rate_limited', 'trial_run_failed', 'payload_too_large']) expect(html).toContain(code);
    expect(html).not.toMatch(/<script|https?:\/\/(?!graft\.dev)/);
  });
});

describe('latency and memory (printed, not asserted)', () => {
  let graft: Graft;

  beforeAll(async () => {
    graft = await startGraft();
  });
  afterAll(() => graft?.stop());

  /** Seeds tenant, key and a live adapter straight into D1 and R2, as another isolate would have. */
  async function seedDirect(): Promise<Client> {
    const { worker } = graft;
    const key = `gft_00112233445566ff_${'k'.repeat(43)}`;
    const sha = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');
    const { manifest, model } = tinyAdapter(graft.backbone, 'cold');
    const at = new Date().toISOString();
    await worker.d1Exec('INSERT INTO tenants (id, created_at) VALUES (?, ?)', 'cold', at);
    await worker.d1Exec('INSERT INTO api_keys (id, tenant_id, key_sha256, prefix, created_at) VALUES (?, ?, ?, ?, ?)', '00112233445566ff', 'cold', sha(key), 'gft_00112233445566ff', at);
    const blob = adapterModelKey('cold', 'cold', sha(model));
    await worker.r2Put(blob, model);
    await worker.d1Exec('INSERT INTO adapters (tenant_id, name, created_at, updated_at) VALUES (?, ?, ?, ?)', 'cold', 'cold', at, at);
    await worker.d1Exec(
      'INSERT INTO adapter_versions (tenant_id, name, version, sha256, bytes, blob_key, manifest, created_at) VALUES (?, ?, 1, ?, ?, ?, ?, ?)',
      'cold', 'cold', sha(model), model.length, blob, JSON.stringify({ ...manifest, model: { sha256: sha(model), bytes: model.length } }), at,
    );
    await worker.d1Exec('INSERT INTO aliases (tenant_id, name, version, updated_at) VALUES (?, ?, 1, ?)', 'cold', 'cold', at);
    return graft.client(key);
  }

  async function timed(fn: () => Promise<Response>): Promise<number> {
    const start = performance.now();
    const res = await fn();
    await res.arrayBuffer();
    expect(res.status).toBe(200);
    return performance.now() - start;
  }

  it('measures cold first prediction, warm latency and upload-to-first-prediction', async () => {
    const client = await seedDirect();
    const body = { inputs: ['free money click now', 'meeting tomorrow'] };
    const coldMs = await timed(() => client.predict('cold', body));
    const warm: number[] = [];
    for (let i = 0; i < 100; i++) warm.push(await timed(() => client.predict('cold', body)));
    warm.sort((a, b) => a - b);
    const health = await timed(() => graft.worker.fetch('/healthz'));
    const { manifest, model } = tinyAdapter(graft.backbone, 'fresh', ['a', 'b', 'c'], 42);
    const start = performance.now();
    const up = await client.upload('fresh', manifest, model);
    expect(up.status).toBe(201);
    await timed(() => client.predict('fresh', body));
    const uploadToPrediction = performance.now() - start;
    console.log(
      JSON.stringify({
        note: 'local workerd via miniflare, tiny 16-d backbone, 2 texts; HTTP round trip included',
        coldFirstPredictionMs: +coldMs.toFixed(1),
        warmPredictP50Ms: +warm[50]!.toFixed(2),
        warmPredictP95Ms: +warm[95]!.toFixed(2),
        warmHealthzMs: +health.toFixed(2),
        uploadToFirstPredictionMs: +uploadToPrediction.toFixed(1),
      }),
    );
  });
});
