import { describe, expect, it } from 'vitest';
import type { Orientation } from '../../core/image/exif-orientation';
import { normalizePixels } from '../../core/image/normalize-pixels';
import { orientPixels } from '../../core/image/orient-image';
import { imageBatch, uprightPixels } from '../../core/image/preprocess-image';
import { resizeImage } from '../../core/image/resize-image';
import { BackboneManifest } from '../../core/schemas/backbone-manifest';
import { IMAGE_PREPROCESS } from '../../trainer/backbones/image-mobilenet-v2';
import { fixture } from '../helpers/image-fixtures';

// A 3 × 2 image whose pixel (x, y) holds the value 10·y + x in every channel:
//   0  1  2
//  10 11 12
const source = { width: 3, height: 2, data: Uint8Array.from({ length: 18 }, (_, i) => 10 * Math.floor(i / 9) + Math.floor((i % 9) / 3)) };

function grid(image: { width: number; height: number; data: Uint8Array }): number[][] {
  return Array.from({ length: image.height }, (_, y) => Array.from({ length: image.width }, (_, x) => image.data[(y * image.width + x) * 3]!));
}

describe('EXIF orientation transforms', () => {
  it.each<[Orientation, number[][]]>([
    [1, [[0, 1, 2], [10, 11, 12]]],
    [2, [[2, 1, 0], [12, 11, 10]]],
    [3, [[12, 11, 10], [2, 1, 0]]],
    [4, [[10, 11, 12], [0, 1, 2]]],
    [5, [[0, 10], [1, 11], [2, 12]]],
    [6, [[10, 0], [11, 1], [12, 2]]],
    [7, [[12, 2], [11, 1], [10, 0]]],
    [8, [[2, 12], [1, 11], [0, 10]]],
  ])('orientation %i displays upright', (orientation, expected) => {
    expect(grid(orientPixels(source, orientation))).toEqual(expected);
  });
});

describe('resize (box-bilinear)', () => {
  it('keeps a flat image flat and is exact at the identity', () => {
    const flat = { width: 50, height: 30, data: new Uint8Array(50 * 30 * 3).fill(77) };
    expect(resizeImage(flat, 7, 9).data.every((v) => Math.abs(v - 77) < 1e-4)).toBe(true);
    const same = resizeImage(source, 3, 2);
    expect(Array.from(same.data)).toEqual(Array.from(source.data));
  });

  it('interpolates with half-pixel centres when enlarging', () => {
    const two = { width: 2, height: 1, data: new Uint8Array([0, 0, 0, 100, 100, 100]) };
    expect(Array.from(resizeImage(two, 4, 1).data.filter((_, i) => i % 3 === 0))).toEqual([0, 25, 75, 100]);
  });

  it('averages whole blocks when shrinking, so thin lines are not skipped', () => {
    const stripes = { width: 8, height: 8, data: new Uint8Array(8 * 8 * 3) };
    for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x += 2) stripes.data.fill(255, (y * 8 + x) * 3, (y * 8 + x) * 3 + 3);
    const small = resizeImage(stripes, 2, 2);
    expect(Array.from(small.data).every((v) => Math.abs(v - 127.5) < 1e-4)).toBe(true);
  });
});

describe('the image-rgb/v1 routine', () => {
  it('is a valid backbone preprocess that keeps text manifests valid', () => {
    const base = { id: 'x', version: '1', sha256: 'a'.repeat(64), bytes: 1, inputs: [{ name: 'pixels', dtype: 'float32', shape: ['N', 224, 224, 3] }], output: { name: 'embedding', dim: 1280 }, assets: [] };
    expect(BackboneManifest.parse({ ...base, modality: 'image', preprocess: IMAGE_PREPROCESS }).preprocess).toEqual(IMAGE_PREPROCESS);
    const text = { routine: 'text-bag-of-ids/v1', vocabulary: 'vocab.txt', max_distinct_tokens: 4096, max_chars: 100000 };
    expect(BackboneManifest.parse({ ...base, modality: 'text', preprocess: text }).preprocess).toEqual(text);
    expect(() => BackboneManifest.parse({ ...base, modality: 'image', preprocess: { ...IMAGE_PREPROCESS, routine: 'image-rgb/v9' } })).toThrow();
  });

  it('normalizes onto the declared range or by mean and std', () => {
    const out = new Float32Array(3);
    normalizePixels(new Float32Array([0, 127.5, 255]), { kind: 'range', min: -1, max: 1 }, out);
    expect(Array.from(out)).toEqual([-1, 0, 1]);
    normalizePixels(new Float32Array([255, 0, 127.5]), { kind: 'mean-std', mean: [0.5, 0.5, 0.5], std: [0.5, 0.25, 0.5] }, out);
    expect(Array.from(out)).toEqual([1, -2, 0]);
  });

  it('turns an EXIF-rotated photo upright: same pixels as rotating the plain one', async () => {
    const plain = await uprightPixels(fixture('scene.jpg'), { ...IMAGE_PREPROCESS, width: 40, height: 30 });
    const rotated = await uprightPixels(fixture('scene-exif6.jpg'), { ...IMAGE_PREPROCESS, width: 30, height: 40 });
    expect([rotated.width, rotated.height]).toEqual([30, 40]);
    const expected = orientPixels(plain, 6);
    expect(Array.from(rotated.data)).toEqual(Array.from(expected.data));
  });

  it('gives [N, 224, 224, 3] floats in [0, 1], identical on every call', async () => {
    const images = [fixture('scene.jpg'), fixture('mnist-7.png'), fixture('fashion-bag-alpha.png')];
    const a = await imageBatch(images, IMAGE_PREPROCESS);
    const b = await imageBatch(images, IMAGE_PREPROCESS);
    expect(a.rows).toBe(3);
    expect(a.data.length).toBe(3 * 224 * 224 * 3);
    expect(a.data.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(Buffer.from(a.data.buffer).equals(Buffer.from(b.data.buffer))).toBe(true);
  });
});
