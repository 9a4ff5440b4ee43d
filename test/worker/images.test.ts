import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as ortNode from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assembleFeatures } from '../../core/features/assemble-features';
import { inputBatch } from '../../core/inputs/input-batch';
import { featureWidth } from '../../core/schemas/adapter-manifest';
import { BackboneManifest } from '../../core/schemas/backbone-manifest';
import { backboneObjects } from '../../core/storage/backbone-objects';
import { buildImageMobileNetV2, IMAGE_MOBILENETV2 } from '../../trainer/backbones/image-mobilenet-v2';
import { backboneDir } from '../../trainer/paths';
import { fixture } from '../helpers/image-fixtures';
import { nodeEmbedder } from '../helpers/node-embedder';
import { expectProblem, linearHead, manifestFor, multipart, startGraft, tinyAdapter, type Client, type Graft } from '../helpers/worker-fixtures';

const LABELS = ['bag', 'sneaker', 'scene'];
const IMAGES = [fixture('fashion-sneaker.jpg'), fixture('fashion-bag-alpha.png'), fixture('scene-exif6.jpg')];

function imageForm(images: Uint8Array[], fields: Record<string, string> = {}): FormData {
  const form = new FormData();
  images.forEach((bytes, i) => form.append('image', new Blob([new Uint8Array(bytes)]), `img-${i}`));
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  return form;
}

describe('image predictions on workerd', () => {
  let graft: Graft;
  let acme: Client;
  let backbone: { manifest: BackboneManifest; model: Uint8Array };
  const head = () => {
    const manifest = manifestFor('shoes', LABELS, [{ source: IMAGE_MOBILENETV2, sha256: backbone.manifest.sha256, dim: 1280 }]);
    return { manifest, model: linearHead(1280, LABELS.length, 5) };
  };
  const predictImages = async (name: string, images: Uint8Array[], fields: Record<string, string> = {}) =>
    acme.fetch(`/v1/adapters/${name}/predict`, { method: 'POST', ...(await multipart(imageForm(images, fields))) });

  beforeAll(async () => {
    const dir = backboneDir(IMAGE_MOBILENETV2);
    if (!existsSync(path.join(dir, 'manifest.json'))) await buildImageMobileNetV2(dir);
    backbone = {
      manifest: BackboneManifest.parse(JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8'))),
      model: new Uint8Array(await readFile(path.join(dir, 'model.onnx'))),
    };
    graft = await startGraft();
    for (const object of backboneObjects(backbone.manifest, backbone.model, {})) await graft.worker.r2Put(object.key, object.body);
    acme = graft.client(await graft.createTenant('acme'));
    const { manifest, model } = head();
    expect((await acme.upload('shoes', manifest, model)).status).toBe(201);
  });
  afterAll(() => graft?.stop());

  it('predicts multipart images like onnxruntime-node with the same core/image preprocessing', async () => {
    const res = await predictImages('shoes', IMAGES, { top_k: '3' });
    expect(res.status, await res.clone().text()).toBe(200);
    const body = (await res.json()) as { backbone: unknown; predictions: { label: string; scores: Record<string, number> }[]; timings: Record<string, number> };
    expect(body.backbone).toEqual({ id: IMAGE_MOBILENETV2, sha256: backbone.manifest.sha256 });

    const loaded = await nodeEmbedder(backbone.manifest, { [backbone.manifest.file]: backbone.model });
    const { manifest, model } = head();
    const headSession = await ortNode.InferenceSession.create(model);
    const features = await assembleFeatures(manifest.features, inputBatch('image', IMAGES), new Map([[IMAGE_MOBILENETV2, loaded.embedder]]));
    await loaded.release();
    const expected = (await headSession.run({ features: new ortNode.Tensor('float32', features, [IMAGES.length, featureWidth(manifest)]) })).probs!.data as Float32Array;
    body.predictions.forEach((p, row) => LABELS.forEach((label, k) => expect(p.scores[label]).toBeCloseTo(expected[row * LABELS.length + k]!, 4)));
  });

  it('accepts JSON base64 images and data: URLs, giving the same answer', async () => {
    const multi = (await (await predictImages('shoes', IMAGES.slice(0, 2))).json()) as { predictions: unknown };
    const images = [Buffer.from(IMAGES[0]!).toString('base64'), `data:image/png;base64,${Buffer.from(IMAGES[1]!).toString('base64')}`];
    const res = await acme.predict('shoes', { images });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(((await res.json()) as { predictions: unknown }).predictions).toEqual(multi.predictions);
  });

  it('refuses bad images with a stable problem code', async () => {
    const jpeg = IMAGES[0]!;
    await expectProblem(await predictImages('shoes', [jpeg.subarray(0, jpeg.length / 2)]), 422, 'image_truncated');
    await expectProblem(await predictImages('shoes', [new TextEncoder().encode('GIF89a.......')]), 415, 'image_type_unsupported');
    const bomb = jpeg.slice();
    for (let i = 2; i < bomb.length; i += 2 + ((bomb[i + 2]! << 8) | bomb[i + 3]!)) {
      if (bomb[i + 1] === 0xc0) {
        bomb.set([0x4e, 0x20, 0x4e, 0x20], i + 5);
        break;
      }
    }
    await expectProblem(await predictImages('shoes', [bomb]), 422, 'image_too_many_pixels');
    await expectProblem(await predictImages('shoes', [new Uint8Array(0)]), 422, 'image_empty');
    await expectProblem(await predictImages('shoes', Array(9).fill(jpeg)), 422, 'too_many_inputs');
    await expectProblem(await acme.predict('shoes', { images: ['%%%'] }), 400, 'invalid_request');
  });

  it('refuses texts for an image adapter and images for a text adapter', async () => {
    await expectProblem(await acme.predict('shoes', { inputs: ['a text'] }), 422, 'modality_mismatch');
    const text = tinyAdapter(graft.backbone, 'spam');
    expect((await acme.upload('spam', text.manifest, text.model)).status).toBe(201);
    await expectProblem(await predictImages('spam', [IMAGES[0]!]), 422, 'modality_mismatch');
    const ok = await acme.predict('spam', { inputs: ['still works for texts'] });
    expect(ok.status).toBe(200);
  });

  it('serves warm single-image predictions (latency logged for BENCHMARKS.md)', async () => {
    const scene = fixture('scene.jpg');
    await predictImages('shoes', [scene]);
    const runs = 10;
    const t0 = performance.now();
    for (let i = 0; i < runs; i++) expect((await predictImages('shoes', [scene])).status).toBe(200);
    const ms = (performance.now() - t0) / runs;
    console.log(`workerd image predict (320 × 240 JPEG, warm, HTTP round trip): ${ms.toFixed(1)} ms/image`);
  });
});
