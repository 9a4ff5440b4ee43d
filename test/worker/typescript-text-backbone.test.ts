import * as ortNode from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../core/hash/sha256';
import { decodeModel } from '../../core/onnx/decode-model';
import { encodeModel } from '../../core/onnx/encode-model';
import { makeTensor } from '../../core/onnx/tensor-data';
import type { BackboneManifest } from '../../core/schemas/backbone-manifest';
import { backboneObjects } from '../../core/storage/backbone-objects';
import { tokensBatch } from '../../core/text/bag-of-ids';
import { tokenize } from '../../core/text/tokenize';
import { Vocabulary } from '../../core/text/vocabulary';
import { maxAbsDiff, ortBackboneEmbeddings } from '../helpers/ort-compare';
import { linearHead, manifestFor, startGraft, TINY_BACKBONE_ID, type Client, type Graft } from '../helpers/worker-fixtures';

const TEXTS = ['free money click now', 'meeting tomorrow about the project report', 'nothing known here', '', 'the the the free 🎉 réunion'];

interface Health {
  runtime_loaded: boolean;
  backbones: { id: string; sha256: string }[];
  ort_heap_bytes: number;
}

async function ortEmbeddings(model: Uint8Array, vocab: string, texts: string[]): Promise<Float32Array> {
  return (await ortBackboneEmbeddings(ortNode, model, [tokensBatch(texts.map(tokenize), Vocabulary.parse(vocab))]))[0]!;
}

describe('text backbone served in TypeScript, ORT for any other graph', () => {
  let graft: Graft;
  let acme: Client;

  const health = async () => (await (await graft.worker.fetch('/healthz')).json()) as Health;
  const embed = async (backbone: string) => {
    const res = await acme.json('POST', '/v1/embed', { backbone, inputs: TEXTS });
    expect(res.status, await res.clone().text()).toBe(200);
    return ((await res.json()) as { embeddings: number[][] }).embeddings;
  };

  // The tiny backbone's graph with another epsilon: valid, near-identical, but not provably so.
  const ORT_ID = 'tiny-text-ort';
  let ortModel: Uint8Array;

  beforeAll(async () => {
    graft = await startGraft();
    const decoded = decodeModel(graft.backbone.model);
    const initializers = decoded.graph!.initializer!;
    initializers[initializers.findIndex((t) => t.name === 'epsilon')] = makeTensor('epsilon', new Float32Array([1e-10]), []);
    ortModel = encodeModel(decoded);
    const manifest: BackboneManifest = { ...graft.backbone.manifest, id: ORT_ID, sha256: await sha256Hex(ortModel), bytes: ortModel.length };
    // Before any request: the edge reads its backbone catalog once a minute.
    for (const o of backboneObjects(manifest, ortModel, { 'vocab.txt': graft.backbone.vocab })) await graft.worker.r2Put(o.key, o.body);
    acme = graft.client(await graft.createTenant('acme'));
  });
  afterAll(() => graft?.stop());

  it('embeds and predicts with the recognised backbone without ever loading ONNX Runtime', async () => {
    const { backbone } = graft;
    const manifest = manifestFor('spam', ['ham', 'spam'], [{ source: TINY_BACKBONE_ID, sha256: backbone.manifest.sha256, dim: backbone.manifest.output.dim }]);
    expect((await acme.upload('spam', manifest, linearHead(backbone.manifest.output.dim, 2))).status).toBe(201);
    expect((await acme.predict('spam', { inputs: TEXTS })).status).toBe(200);
    const embeddings = await embed(TINY_BACKBONE_ID);
    expect(maxAbsDiff(embeddings.flat(), await ortEmbeddings(backbone.model, backbone.vocab, TEXTS))).toBeLessThanOrEqual(1e-6);
    expect(await health()).toMatchObject({ runtime_loaded: false, ort_heap_bytes: 0, backbones: [{ id: TINY_BACKBONE_ID, sha256: backbone.manifest.sha256 }] });
  });

  it('runs a backbone whose graph differs (another epsilon) in ONNX Runtime, as before', async () => {
    const embeddings = await embed(ORT_ID);
    expect(maxAbsDiff(embeddings.flat(), await ortEmbeddings(ortModel, graft.backbone.vocab, TEXTS))).toBeLessThanOrEqual(1e-6);
    const after = await health();
    expect(after.runtime_loaded).toBe(true);
    expect(after.ort_heap_bytes).toBeGreaterThan(0);
    expect(after.backbones.map((b) => b.id).sort()).toEqual([ORT_ID, TINY_BACKBONE_ID].sort());
  });
});
