import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../core/hash/sha256';
import { imageBatch } from '../../core/image/preprocess-image';
import { decodeModel } from '../../core/onnx/decode-model';
import { BackboneManifest } from '../../core/schemas/backbone-manifest';
import { buildImageMobileNetV2, IMAGE_PREPROCESS, POOLED_LAYER } from '../../trainer/backbones/image-mobilenet-v2';
import { FIXTURE_FILES, fixture } from '../helpers/image-fixtures';
import { kerasReference } from '../helpers/keras-reference';

const PARITY_TOLERANCE = 1e-4;

let dir: string;
let manifest: BackboneManifest;
let model: Uint8Array;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'graft-image-backbone-'));
  manifest = await buildImageMobileNetV2(path.join(dir, 'a'));
  model = new Uint8Array(await readFile(path.join(dir, 'a', 'model.onnx')));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('image-mobilenetv2 backbone', () => {
  it('writes a valid manifest pinned to the model bytes, and rebuilds byte-identically', async () => {
    expect(BackboneManifest.parse(JSON.parse(await readFile(path.join(dir, 'a', 'manifest.json'), 'utf8')))).toEqual(manifest);
    expect(manifest.sha256).toBe(await sha256Hex(model));
    expect(manifest.output).toEqual({ name: 'embedding', dim: 1280 });
    expect(manifest.preprocess).toEqual(IMAGE_PREPROCESS);
    const again = await buildImageMobileNetV2(path.join(dir, 'b'));
    expect(again.sha256).toBe(manifest.sha256);
  });

  it('is plain convolutions: batch norms folded, zero padding folded into conv pads, no head', () => {
    const ops = new Map<string, number>();
    for (const node of decodeModel(model).graph!.node) ops.set(node.opType!, (ops.get(node.opType!) ?? 0) + 1);
    expect([...ops.keys()].sort()).toEqual(['Add', 'Clip', 'Conv', 'Flatten', 'GlobalAveragePool', 'Identity', 'Transpose']);
    expect(ops.get('Conv')).toBe(52);
    expect(ops.get('Add')).toBe(10);
  });

  it(`matches TensorFlow.js running the Keras model cut at ${POOLED_LAYER} within ${PARITY_TOLERANCE}`, async () => {
    const images = FIXTURE_FILES.map(fixture);
    const batch = await imageBatch(images, IMAGE_PREPROCESS);
    // One row of uniform noise too: every channel and code path is exercised, not only smooth images.
    const rows = batch.rows + 1;
    const pixels = new Float32Array(rows * 224 * 224 * 3);
    pixels.set(batch.data);
    let s = 7;
    for (let i = batch.data.length; i < pixels.length; i++) pixels[i] = (s = (s * 16807) % 2147483647) / 2147483647;

    const session = await ort.InferenceSession.create(model);
    const ours = (await session.run({ pixels: new ort.Tensor('float32', pixels, [rows, 224, 224, 3]) })).embedding!.data as Float32Array;
    await session.release();
    const reference = (await kerasReference(POOLED_LAYER))(pixels, rows);

    expect(ours.length).toBe(rows * 1280);
    let maxDiff = 0;
    let maxValue = 0;
    for (let i = 0; i < ours.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(ours[i]! - reference[i]!));
      maxValue = Math.max(maxValue, Math.abs(reference[i]!));
    }
    console.log(`image-mobilenetv2 parity: max |ONNX − tfjs| = ${maxDiff.toExponential(2)} over ${rows} images (max |value| ${maxValue.toFixed(2)})`);
    expect(maxValue).toBeGreaterThan(0.5);
    expect(maxDiff).toBeLessThanOrEqual(PARITY_TOLERANCE);
  });
});
