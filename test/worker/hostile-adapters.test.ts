import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FeatureBlock } from '../../core/schemas/feature-block';
import { bystander, type Bystander } from '../helpers/bystander';
import * as hx from '../helpers/hostile-adapters';
import { expectProblem, manifestFor, startGraft, tinyAdapter, type Client, type Graft } from '../helpers/worker-fixtures';

// Adapter heads whose cost at the documented maximum batch (64 texts) is far beyond their size,
// against a real workerd: each is refused at upload with its own code, before any ORT session
// exists; the tenant's live version keeps serving, and so does another tenant's adapter.
const D = 16;
const K = 2;
const TEXTS = ['free money click now', 'meeting tomorrow about the project'];
const FULL_BATCH = Array.from({ length: 64 }, (_, i) => `text number ${i}: free money, or the weekly meeting minutes`);
/** Four 2^18-wide hashed n-gram blocks: 1M features, 256 MiB of dense float32 at 64 texts. */
const HASHED: FeatureBlock[] = [[1], [2], [3], [1, 2]].map((ngrams) => ({ source: 'hashed-ngrams', dim: 1 << 18, ngrams }));

describe('hostile adapter heads are refused at upload by what they cost at the maximum batch', () => {
  let graft: Graft;
  let mallory: Client;
  let b: Bystander;
  let manifest: ReturnType<typeof tinyAdapter>['manifest'];
  let baseline: unknown;

  async function live(): Promise<unknown> {
    const res = await mallory.predict('spam', { inputs: TEXTS, top_k: 2 });
    expect(res.status, await res.clone().text()).toBe(200);
    const { version, predictions } = (await res.json()) as { version: number; predictions: unknown };
    return { version, predictions };
  }

  /** Uploads the head, logs how long the edge took to refuse it, and checks nobody was harmed. */
  async function refused(what: string, model: Uint8Array, status: number, code: string, name = 'spam', m: unknown = manifest): Promise<void> {
    const t0 = performance.now();
    const res = await mallory.upload(name, m, model);
    console.log(`${what} (${model.length} bytes): ${res.status} in ${(performance.now() - t0).toFixed(0)} ms (HTTP round trip)`);
    await expectProblem(res, status, code);
    expect(await live()).toEqual(baseline);
    await b.expectUnharmed();
  }

  beforeAll(async () => {
    graft = await startGraft();
    mallory = graft.client(await graft.createTenant('mallory'));
    const adapter = tinyAdapter(graft.backbone, 'spam');
    manifest = adapter.manifest;
    expect((await mallory.upload('spam', manifest, adapter.model)).status).toBe(201);
    baseline = await live();
    b = await bystander(graft);
  });
  afterAll(() => graft?.stop());

  it('intermediate_too_large: (x[N,1,1] + A[1,2000,1]) + B[1,1,2000], 4M elements a row, 1 GiB at 64 rows', async () => {
    await refused('broadcast blow-up', hx.batchBroadcastBlowup(D, K), 422, 'intermediate_too_large');
  });

  it('intermediate_too_large: the same with the batch dimension named "x*0"', async () => {
    await refused('broadcast blow-up, batch "x*0"', hx.batchBroadcastBlowup(D, K, 2000, 'x*0'), 422, 'intermediate_too_large');
  });

  it('intermediate_total_too_large: four tensors of 6.1M elements each at 64 rows', async () => {
    await refused('many large intermediates', hx.manyLargeIntermediates(D, K), 422, 'intermediate_total_too_large');
  });

  it('compute_too_large: hᵀh then its square, 16G operations from 4M-element tensors', async () => {
    await refused('MatMul flops', hx.matmulFlops(D, K), 422, 'compute_too_large');
  });

  it('folded_constant_too_large: A[2000,1] + B[1,2000] folded into a 16 MB constant', async () => {
    await refused('folded constant', hx.foldedConstant(D, K), 422, 'folded_constant_too_large');
  });

  it('too_many_node_inputs: a Concat of 60,000 inputs (quadratic shape inference before)', async () => {
    await refused('Concat of 60,000 inputs', hx.wideConcat(D, K, 60_000), 422, 'too_many_node_inputs');
  });

  it('attribute_repeated: Softmax with its axis given twice', async () => {
    await refused('repeated attribute', hx.repeatedAttribute(D, K), 422, 'attribute_repeated');
  });

  it('onnx_field_repeated: a singular field, a sub-message and a oneof given twice', async () => {
    await refused('op_type twice', hx.opTypeTwice(D, K), 422, 'onnx_field_repeated');
    await refused('input type twice', hx.inputTypeTwice(D, K), 422, 'onnx_field_repeated');
    await refused('batch dim as dim_param and dim_value', hx.batchDimBothWays(D, K), 422, 'onnx_field_repeated');
  });

  it('batch_dim_invalid: a fixed batch, and probs rows that do not follow the input rows', async () => {
    await refused('fixed batch of 1', hx.fixedBatch(D, K, 1), 422, 'batch_dim_invalid');
    await refused('ReduceSum over the batch', hx.rowsCollapsed(D, K), 422, 'batch_dim_invalid');
    await refused('Concat along the batch', hx.rowsDoubled(D, K), 422, 'batch_dim_invalid');
  });

  it('model_too_large: packed varints and empty strings that decode to far more than their bytes', async () => {
    await refused('3.5M one-byte int64 varints', hx.packedInt64Run(D, K, 3_500_000), 413, 'model_too_large');
    await refused('1.9M empty strings', hx.emptyStrings(D, K, 1_900_000), 413, 'model_too_large');
  });

  it('run_input_too_large: a foreign head over four 2^18 hashed blocks; a TypeScript head over them serves 64 texts', async () => {
    const wide = manifestFor('lexical', ['ham', 'spam'], HASHED);
    await refused('foreign head over 4 × 2^18 features', hx.foreignSumHead(4 << 18, K), 422, 'run_input_too_large', 'lexical', wide);
    const upload = await mallory.upload('lexical', wide, hx.typeScriptHead(4 << 18, K));
    expect(upload.status, await upload.clone().text()).toBe(201);
    const t0 = performance.now();
    const res = await mallory.predict('lexical', { inputs: FULL_BATCH });
    console.log(`TypeScript head over 4 × 2^18 features, 64 texts: ${res.status} in ${(performance.now() - t0).toFixed(0)} ms`);
    expect(res.status, await res.clone().text()).toBe(200);
    expect(((await res.json()) as { predictions: unknown[] }).predictions).toHaveLength(64);
    await b.expectUnharmed();
  });

  it('still accepts a foreign MLP within the bounds, run by ORT at the full batch', async () => {
    const upload = await mallory.upload('torch', { ...manifest, name: 'torch' }, hx.foreignMlp(D, K));
    expect(upload.status, await upload.clone().text()).toBe(201);
    const res = await mallory.predict('torch', { inputs: FULL_BATCH });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(((await res.json()) as { predictions: unknown[] }).predictions).toHaveLength(64);
    await b.expectUnharmed();
  });

  it('left no refused version behind', async () => {
    const detail = (await (await mallory.json('GET', '/v1/adapters/spam')).json()) as { versions: unknown[] };
    expect(detail.versions).toHaveLength(1);
  });
});
