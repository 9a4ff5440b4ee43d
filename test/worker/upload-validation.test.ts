import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeModel } from '../../core/onnx/encode-model';
import { GraphBuilder } from '../../core/onnx/graph-builder';
import { attr } from '../../core/onnx/graph-attributes';
import * as fx from '../helpers/onnx-fixtures';
import { tinyTextBackbone } from '../helpers/tiny-text-backbone';
import { backboneBlock, expectProblem, manifestFor, multipart, startGraft, tinyAdapter, type Client, type Graft } from '../helpers/worker-fixtures';

// The tiny backbone is 16-d and heads here have 2 labels: every crafted file is built for them.
const D = 16;
const K = 2;
const TEXTS = ['free money click now', 'meeting tomorrow about the project'];

/** One crafted file per validator rule, from test/helpers/onnx-fixtures.ts. */
const VALIDATOR_CASES: [string, number, () => Uint8Array][] = [
  ['onnx_malformed', 422, () => fx.randomBytes()],
  ['onnx_malformed', 422, () => fx.deeplyNestedModel()],
  ['onnx_truncated', 422, () => fx.truncatedModel(D, K)],
  ['unsupported_ir_version', 422, () => fx.irVersionTooNew(D, K)],
  ['unsupported_opset', 422, () => fx.opsetTooNew(D, K)],
  ['custom_domain', 422, () => fx.customDomainOp(D, K)],
  ['custom_domain', 422, () => fx.customDomainNodeOnly(D, K)],
  ['functions_not_allowed', 422, () => fx.modelWithFunction(D, K)],
  ['operator_not_allowed', 422, () => fx.constantOfShapeHuge(D, K)],
  ['operator_not_allowed', 422, () => fx.reshapeDynamicShape(D, K)],
  ['subgraph_not_allowed', 422, () => fx.loopWithBody(D, K)],
  ['external_data', 422, () => fx.externalDataInitializer(D, K)],
  ['initializer_too_large', 422, () => fx.initializerTooLarge(D, K)],
  ['initializer_invalid', 422, () => fx.initializerDataMismatch(D, K)],
  ['dimension_too_large', 422, () => fx.dimensionTooLarge(D, K)],
  ['dimension_too_large', 422, () => fx.reshapeHugeDimension(D, K)],
  ['intermediate_too_large', 422, () => fx.broadcastBlowup(D, K)],
  ['input_mismatch', 422, () => fx.wrongInputDim(D, K)],
  ['input_mismatch', 422, () => fx.twoInputs(D, K)],
  ['output_mismatch', 422, () => fx.wrongOutputShape(D, K)],
  ['output_mismatch', 422, () => fx.computedOutputMismatch(D, K)],
  ['output_mismatch', 422, () => fx.outputNotNamedProbs(D, K)],
  ['too_many_nodes', 422, () => fx.tooManyNodes(D, K)],
  ['graph_invalid', 422, () => fx.cyclicGraph(D, K)],
  ['graph_invalid', 422, () => fx.danglingInput(D, K)],
];

/** Passes static validation but computes 0/0 on a zero row. */
function nanOnZeros(): Uint8Array {
  const g = new GraphBuilder('nan_head');
  const x = g.input('features', 'float32', ['N', D]);
  const w = g.initializer('W', fx.seededFloats(D * K, 3), [D, K]);
  const b = g.initializer('B', new Float32Array(K), [K]);
  const logits = g.node('Gemm', [x, w, b], { alpha: attr.float(1), beta: attr.float(1) });
  const probs = g.node('Div', [logits, g.node('Sub', [logits, logits])]);
  g.output(probs, 'float32', ['N', K], 'probs');
  return encodeModel(g.toModel({ opset: 17 }));
}

/** A valid head padded (doc string) to one byte over the deployment's model limit. */
function overLimit(limit: number): Uint8Array {
  const m = fx.validHeadModel(D, K);
  m.docString = 'x'.repeat(limit);
  return encodeModel(m);
}

describe('upload validation: every refusal has its code, and the live version keeps serving', () => {
  let graft: Graft;
  let acme: Client;
  let baseline: unknown;
  let manifest: ReturnType<typeof tinyAdapter>['manifest'];
  let modelLimit: number;

  beforeAll(async () => {
    graft = await startGraft();
    acme = graft.client(await graft.createTenant('acme'));
    const adapter = tinyAdapter(graft.backbone, 'spam');
    manifest = adapter.manifest;
    expect((await acme.upload('spam', manifest, adapter.model)).status).toBe(201);
    baseline = await livePredictions();
    modelLimit = Number(graft.worker.bundle.vars.MAX_ADAPTER_BYTES ?? 4 * 1024 * 1024);
  });
  afterAll(() => graft?.stop());

  async function livePredictions(): Promise<unknown> {
    const res = await acme.predict('spam', { inputs: TEXTS, top_k: 2 });
    expect(res.status).toBe(200);
    const { version, predictions } = (await res.json()) as { version: number; predictions: unknown };
    return { version, predictions };
  }

  async function refused(response: Response, status: number, code: string): Promise<void> {
    await expectProblem(response, status, code);
    expect(await livePredictions()).toEqual(baseline);
  }

  for (const [code, status, build] of VALIDATOR_CASES) {
    it(`${code} (${build.toString().match(/fx\.(\w+)/)?.[1]})`, async () => {
      await refused(await acme.upload('spam', manifest, build()), status, code);
    });
  }

  it('model_too_large: over the deployment limit but inside the body limit', async () => {
    await refused(await acme.upload('spam', manifest, overLimit(modelLimit)), 413, 'model_too_large');
  });

  it('payload_too_large: a body past the upload limit is refused before it is parsed', async () => {
    await refused(await acme.upload('spam', manifest, fx.oversizedModel(D, K)), 413, 'payload_too_large');
  });

  it('trial_run_failed: non-finite probabilities on a zero input', async () => {
    await refused(await acme.upload('spam', manifest, nanOnZeros()), 422, 'trial_run_failed');
  });

  it('trial_run_failed: outputs that are not probabilities', async () => {
    const g = new GraphBuilder('logits_head');
    const x = g.input('features', 'float32', ['N', D]);
    const w = g.initializer('W', fx.seededFloats(D * K, 3), [D, K]);
    const b = g.initializer('B', new Float32Array([5, -5]), [K]);
    g.output(g.node('Gemm', [x, w, b]), 'float32', ['N', K], 'probs');
    await refused(await acme.upload('spam', manifest, encodeModel(g.toModel({ opset: 17 }))), 422, 'trial_run_failed');
  });

  it('backbone_unknown and backbone_mismatch (sha256 and dim)', async () => {
    const model = fx.validHead(D, K);
    const block = backboneBlock(graft.backbone);
    await refused(await acme.upload('spam', { ...manifest, features: [{ ...block, source: 'no-such-backbone' }] }, model), 409, 'backbone_unknown');
    const other = await tinyTextBackbone(2);
    await refused(await acme.upload('spam', { ...manifest, features: [backboneBlock(other)] }, model), 409, 'backbone_mismatch');
    await refused(await acme.upload('spam', { ...manifest, features: [{ ...block, dim: 8 }] }, fx.validHead(8, K)), 409, 'backbone_mismatch');
  });

  it('invalid_manifest, model_digest_mismatch', async () => {
    const model = fx.validHead(D, K);
    await refused(await acme.upload('spam', '{"format":', model), 422, 'invalid_manifest');
    await refused(await acme.upload('spam', { ...manifest, labels: ['only'] }, fx.validHead(D, 1)), 422, 'invalid_manifest');
    await refused(await acme.upload('spam', { ...manifest, format: 'graft.adapter/v0' }, model), 422, 'invalid_manifest');
    await refused(await acme.upload('spam', { ...manifest, labels: ['a', 'a'] }, model), 422, 'invalid_manifest');
    await refused(await acme.upload('spam', { ...manifest, model: { sha256: '0'.repeat(64), bytes: model.length } }, model), 422, 'model_digest_mismatch');
  });

  it('invalid_upload, unsupported_media_type, invalid name', async () => {
    const form = new FormData();
    form.set('manifest', JSON.stringify(manifest));
    await refused(await acme.fetch('/v1/adapters/spam', { method: 'PUT', ...(await multipart(form)) }), 400, 'invalid_upload');
    await refused(await acme.json('PUT', '/v1/adapters/spam', { manifest }), 415, 'unsupported_media_type');
    await refused(await acme.upload('Not_A_Slug!', manifest, fx.validHead(D, K)), 400, 'invalid_request');
  });

  it('left no version behind', async () => {
    const detail = (await (await acme.json('GET', '/v1/adapters/spam')).json()) as { versions: unknown[] };
    expect(detail.versions).toHaveLength(1);
  });

  it('accepts the same head again as version 2 (same bytes, same content-addressed blob)', async () => {
    const res = await acme.upload('spam', manifestFor('spam', ['ham', 'spam'], [backboneBlock(graft.backbone)]), tinyAdapter(graft.backbone, 'spam').model);
    expect(await res.json()).toMatchObject({ version: 2, live: true });
  });
});
