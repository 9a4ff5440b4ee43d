import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdapterManifest } from '../../core/schemas/adapter-manifest';
import { backboneUploads } from '../../infra/local/backbone-uploads';
import { ensureBackbones } from '../../infra/local/ensure-backbones';
import { adapterBackbones } from '../../trainer/adapters/adapter-backbones';
import { runHead } from '../../trainer/adapters/run-head';
import { IMAGE_MOBILENETV2 } from '../../trainer/backbones/image-mobilenet-v2';
import { extractImageFeatures } from '../../trainer/features/extract-image-features';
import { pixelsBlock } from '../../trainer/features/tenant-pixels';
import { encodeJpeg, fixture, pngBytes, syntheticScene } from '../helpers/image-fixtures';
import { mnistClass, upscaleGrey } from '../helpers/mnist-data';
import { runGraft } from '../helpers/run-graft';
import { backboneBlock, expectProblem, linearHead, manifestFor, multipart, startGraft, type Client, type Graft } from '../helpers/worker-fixtures';

// An adapter `graft train` made on a backbone block and a pixels block, served by workerd: the
// edge must compute both blocks with the trainer's own core/ routines and give its probabilities.
const LABELS = ['bag', 'scene', 'sneaker'];

function fashion(label: number, i: number): { width: number; height: number; data: Uint8Array } {
  return upscaleGrey(mnistClass('fashion-mnist', label)[i]!, 2);
}

/** Training images: one per label, so the head is the default mix of both blocks; the scene is in colour. */
const TRAINING: Record<string, Uint8Array> = {
  bag: pngBytes({ ...fashion(8, 0), channels: 3, depth: 8 }),
  scene: encodeJpeg(96, 72, syntheticScene(96, 72, 3)),
  sneaker: encodeJpeg(56, 56, fashion(7, 0).data),
};

/** Unseen images: JPEG and PNG, an EXIF-rotated photo and a PNG with alpha. */
const QUERIES = [fixture('fashion-sneaker.jpg'), fixture('fashion-bag-alpha.png'), fixture('scene-exif6.jpg'), encodeJpeg(56, 56, fashion(8, 3).data), fixture('mnist-7.png')];

function form(images: Uint8Array[], fields: [string, string][] = []): FormData {
  const body = new FormData();
  images.forEach((bytes, i) => body.append('image', new Blob([new Uint8Array(bytes)]), `img-${i}`));
  for (const [name, value] of fields) body.append(name, value);
  return body;
}

const argmax = (p: ArrayLike<number>) => Array.from(p).indexOf(Math.max(...Array.from(p)));

interface Predictions {
  predictions: { label: string; score: number; scores: Record<string, number> }[];
}

describe('an adapter with a backbone block and a pixels block, on workerd', () => {
  let dir: string;
  let graft: Graft;
  let acme: Client;
  let manifest: AdapterManifest;
  let model: Uint8Array;

  beforeAll(async () => {
    await ensureBackbones(() => undefined, [IMAGE_MOBILENETV2]);
    dir = await mkdtemp(path.join(tmpdir(), 'graft-pixels-'));
    for (const [label, bytes] of Object.entries(TRAINING)) {
      await mkdir(path.join(dir, 'data', label), { recursive: true });
      await writeFile(path.join(dir, 'data', label, label === 'bag' ? '0.png' : '0.jpg'), bytes);
    }
    const out = path.join(dir, 'adapter');
    const trained = await runGraft('train', '--backbone', IMAGE_MOBILENETV2, '--data', path.join(dir, 'data'), '--out', out, '--json');
    expect(trained.code, trained.stderr).toBe(0);
    manifest = AdapterManifest.parse(JSON.parse(await readFile(path.join(out, 'manifest.json'), 'utf8')));
    model = new Uint8Array(await readFile(path.join(out, 'adapter.onnx')));
    graft = await startGraft();
    for (const object of await backboneUploads([IMAGE_MOBILENETV2])) await graft.worker.r2Put(object.key, object.body);
    acme = graft.client(await graft.createTenant('acme'));
  });
  afterAll(async () => {
    await graft?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('predicts what the trainer computes for the same files, to 1e-5', async () => {
    expect(manifest.labels).toEqual(LABELS);
    expect(manifest.features.map((f) => f.source)).toEqual([IMAGE_MOBILENETV2, 'pixels']);
    expect(manifest.features[1]).toEqual(pixelsBlock(3));
    expect((await acme.upload('things', manifest, model)).status).toBe(201);

    const res = await acme.fetch('/v1/adapters/things/predict', { method: 'POST', ...(await multipart(form(QUERIES, [['top_k', '3']]))) });
    expect(res.status, await res.clone().text()).toBe(200);
    const edge = (await res.json()) as Predictions;

    // The trainer's side: graft eval's feature path and onnxruntime-node on the same adapter.onnx.
    const { embedders, release } = await adapterBackbones(manifest);
    let trainer: Float32Array;
    try {
      const examples = QUERIES.map((bytes, i) => ({ label: 'bag', bytes, where: `query ${i}` }));
      const digest = QUERIES.reduce((hash, bytes) => hash.update(bytes), createHash('sha256')).digest('hex');
      trainer = await runHead(model, await extractImageFeatures(manifest.features, examples, digest, embedders, true), QUERIES.length);
    } finally {
      await release();
    }
    let gap = 0;
    edge.predictions.forEach((p, row) => LABELS.forEach((label, k) => (gap = Math.max(gap, Math.abs(p.scores[label]! - trainer[row * LABELS.length + k]!)))));
    expect(gap).toBeLessThanOrEqual(1e-5);
    expect(edge.predictions.map((p) => p.label)).toEqual(QUERIES.map((_, row) => LABELS[argmax(trainer.subarray(row * 3, row * 3 + 3))]!));
  });

  it('refuses texts for a pixels-only adapter, and uploads that mix text and image blocks', async () => {
    const pixelsOnly = manifestFor('thumbs', ['dark', 'light'], [pixelsBlock(1)]);
    expect((await acme.upload('thumbs', pixelsOnly, linearHead(pixelsBlock(1).dim, 2, 4))).status).toBe(201);
    await expectProblem(await acme.predict('thumbs', { inputs: ['a text'] }), 422, 'modality_mismatch');
    const images = await acme.fetch('/v1/adapters/thumbs/predict', { method: 'POST', ...(await multipart(form([fixture('mnist-7.png')]))) });
    expect(images.status, await images.clone().text()).toBe(200);

    const withNgrams = manifestFor('mixed', ['a', 'b'], [pixelsBlock(1), { source: 'hashed-ngrams', dim: 64, ngrams: [1] }]);
    const problem = await expectProblem(await acme.upload('mixed', withNgrams, linearHead(784 + 64, 2)), 422, 'invalid_manifest');
    expect(problem).toMatchObject({ text: 'hashed-ngrams', image: 'pixels' });
    const withText = manifestFor('mixed', ['a', 'b'], [backboneBlock(graft.backbone), pixelsBlock(1)]);
    await expectProblem(await acme.upload('mixed', withText, linearHead(graft.backbone.manifest.output.dim + 784, 2)), 422, 'invalid_manifest');
    const badDim = manifestFor('mixed', ['a', 'b'], [{ ...pixelsBlock(1), dim: 100 }]);
    await expectProblem(await acme.upload('mixed', badDim, linearHead(100, 2)), 422, 'invalid_manifest');
  });
});
