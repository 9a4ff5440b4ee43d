import * as ortNode from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assembleFeatures } from '../../core/features/assemble-features';
import { inputBatch } from '../../core/inputs/input-batch';
import { featureWidth } from '../../core/schemas/adapter-manifest';
import type { FeatureBlock } from '../../core/schemas/feature-block';
import { charCountsBackbone, CHAR_COUNTS_ID, registerCharCounts, type CharCountsBackbone } from '../helpers/char-counts-backbone';
import { fixture } from '../helpers/image-fixtures';
import { nodeEmbedder } from '../helpers/node-embedder';
import { expectProblem, linearHead, manifestFor, startGraft, type Client, type Graft } from '../helpers/worker-fixtures';

registerCharCounts();

const TEXTS = ['Free money, click now!', 'minutes of the weekly meeting', 'zzz', ''];

/** What a backbone kind takes: a routine registered in the worker's entry, its objects in R2,
 * and nothing else in the edge; upload, predict and embed then work as for the built-in kinds. */
describe('a backbone kind registered outside the code base, end to end on workerd', () => {
  let graft: Graft;
  let acme: Client;
  let backbone: CharCountsBackbone;
  let block: FeatureBlock;

  beforeAll(async () => {
    graft = await startGraft({ entry: 'test/worker-fixtures/char-counts-worker.ts' });
    backbone = await charCountsBackbone();
    for (const object of backbone.objects) await graft.worker.r2Put(object.key, object.body);
    block = { source: CHAR_COUNTS_ID, sha256: backbone.manifest.sha256, dim: backbone.manifest.output.dim };
    acme = graft.client(await graft.createTenant('acme'));
  });
  afterAll(() => graft?.stop());

  /** The same embedding in Node, through the same routine on onnxruntime-node. */
  async function reference(texts: readonly string[]): Promise<Float32Array> {
    const loaded = await nodeEmbedder(backbone.manifest, { 'model.onnx': backbone.model });
    try {
      return await loaded.embedder.embed(inputBatch('text', texts));
    } finally {
      await loaded.release();
    }
  }

  it('lists it and embeds texts through its routine as onnxruntime-node does', async () => {
    const listed = (await (await acme.json('GET', '/v1/backbones')).json()) as { backbones: { id: string; modality: string }[] };
    expect(listed.backbones).toContainEqual(expect.objectContaining({ id: CHAR_COUNTS_ID, modality: 'text' }));
    const res = await acme.json('POST', '/v1/embed', { backbone: CHAR_COUNTS_ID, inputs: TEXTS });
    expect(res.status, await res.clone().text()).toBe(200);
    const { embeddings } = (await res.json()) as { embeddings: number[][] };
    const expected = await reference(TEXTS);
    const dim = backbone.manifest.output.dim;
    expect(embeddings.map((row) => row.length)).toEqual(TEXTS.map(() => dim));
    expect(Math.max(...embeddings.flatMap((row, r) => row.map((v, d) => Math.abs(v - expected[r * dim + d]!))))).toBeLessThanOrEqual(1e-6);
  });

  it('takes an adapter over it beside hashed n-grams and predicts what Node computes', async () => {
    const features: FeatureBlock[] = [block, { source: 'hashed-ngrams', dim: 64, ngrams: [1, 2] }];
    const manifest = manifestFor('letters', ['ham', 'spam'], features);
    const model = linearHead(featureWidth(manifest), 2, 7);
    const upload = await acme.upload('letters', manifest, model);
    expect(upload.status, await upload.clone().text()).toBe(201);

    const res = await acme.predict('letters', { inputs: TEXTS, top_k: 2 });
    expect(res.status, await res.clone().text()).toBe(200);
    const body = (await res.json()) as { backbone: unknown; predictions: { scores: Record<string, number> }[] };
    expect(body.backbone).toEqual({ id: CHAR_COUNTS_ID, sha256: backbone.manifest.sha256 });

    const loaded = await nodeEmbedder(backbone.manifest, { 'model.onnx': backbone.model });
    const head = await ortNode.InferenceSession.create(model);
    try {
      const x = await assembleFeatures(manifest.features, inputBatch('text', TEXTS), new Map([[CHAR_COUNTS_ID, loaded.embedder]]));
      const probs = (await head.run({ features: new ortNode.Tensor('float32', x, [TEXTS.length, featureWidth(manifest)]) })).probs!.data as Float32Array;
      body.predictions.forEach((p, row) => ['ham', 'spam'].forEach((label, k) => expect(Math.abs(p.scores[label]! - probs[row * 2 + k]!)).toBeLessThanOrEqual(1e-5)));
    } finally {
      await loaded.release();
      await head.release();
    }
  });

  it('answers images sent to it with modality_mismatch', async () => {
    const images = [Buffer.from(fixture('mnist-7.png')).toString('base64')];
    await expectProblem(await acme.predict('letters', { images }), 422, 'modality_mismatch');
    await expectProblem(await acme.json('POST', '/v1/embed', { backbone: CHAR_COUNTS_ID, images }), 422, 'modality_mismatch');
  });
});
