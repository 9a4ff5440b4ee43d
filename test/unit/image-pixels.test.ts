import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { assembleFeatures } from '../../core/features/assemble-features';
import { inputBatch, ModalityMismatchError } from '../../core/inputs/input-batch';
import { ImageError } from '../../core/image/image-error';
import { orientPixels } from '../../core/image/orient-image';
import { pixelBatch, pixelFeatures } from '../../core/image/pixel-features';
import { AdapterManifest } from '../../core/schemas/adapter-manifest';
import { FeatureBlock, isBackboneFeature, PixelsFeature } from '../../core/schemas/feature-block';
import { imageBlockFeatures } from '../../trainer/features/extract-image-features';
import { pixelsBlock, tenantPixels } from '../../trainer/features/tenant-pixels';
import { encodeJpeg, fixture, pngBytes } from '../helpers/image-fixtures';
import { mnistClass, upscaleGrey } from '../helpers/mnist-data';

const GREY = { side: 28, channels: 1 } as const;
const RGB = { side: 28, channels: 3 } as const;

async function pixels(bytes: Uint8Array, shape: { side: number; channels: 1 | 3 }): Promise<Float32Array> {
  const out = new Float32Array(shape.side * shape.side * shape.channels);
  await pixelFeatures(bytes, shape, out);
  return out;
}

describe('pixels feature block (schema)', () => {
  it('declares its shape, and its dim must match it', () => {
    expect(FeatureBlock.parse({ source: 'pixels', dim: 784, side: 28, channels: 1 })).toEqual({ source: 'pixels', dim: 784, side: 28, channels: 1 });
    expect(PixelsFeature.safeParse({ source: 'pixels', dim: 785, side: 28, channels: 1 }).success).toBe(false);
    expect(PixelsFeature.safeParse({ source: 'pixels', dim: 1568, side: 28, channels: 2 }).success).toBe(false);
    expect(FeatureBlock.safeParse({ source: 'pixels', sha256: 'a'.repeat(64), dim: 784 }).success).toBe(false);
    expect(isBackboneFeature(pixelsBlock(1))).toBe(false);
    expect(isBackboneFeature({ source: 'image-mobilenetv2', sha256: 'a'.repeat(64), dim: 1280 })).toBe(true);
  });

  it('is accepted in an adapter manifest beside a backbone block', () => {
    const manifest = AdapterManifest.parse({
      format: 'graft.adapter/v1',
      name: 'shoes',
      task: 'multiclass',
      labels: ['bag', 'sneaker'],
      features: [{ source: 'image-mobilenetv2', sha256: 'a'.repeat(64), dim: 1280 }, pixelsBlock(3)],
      output: 'probs',
    });
    expect(manifest.features[1]).toEqual({ source: 'pixels', dim: 2352, side: 28, channels: 3 });
  });
});

describe('pixelFeatures (core/image)', () => {
  it('gives a 28 × 28 grey PNG its own pixels, scaled to [0, 1]', async () => {
    const digit = mnistClass('mnist', 3)[0]!;
    const png = pngBytes({ width: 28, height: 28, data: digit, channels: 1, depth: 8 });
    const grey = await pixels(png, GREY);
    grey.forEach((v, i) => expect(v).toBeCloseTo(digit[i]! / 255, 6));
    // A grey picture is the same in every channel.
    const rgb = await pixels(png, RGB);
    grey.forEach((v, i) => [0, 1, 2].forEach((c) => expect(rgb[i * 3 + c]).toBeCloseTo(v, 6)));
  });

  it('reads PNG and JPEG alike: a JPEG of the same picture is within its compression noise', async () => {
    const big = upscaleGrey(mnistClass('fashion-mnist', 7)[0]!, 4);
    const png = await pixels(pngBytes({ width: big.width, height: big.height, data: big.data, channels: 3, depth: 8 }), GREY);
    const jpeg = await pixels(encodeJpeg(big.width, big.height, big.data, 95), GREY);
    const meanGap = png.reduce((sum, v, i) => sum + Math.abs(v - jpeg[i]!), 0) / png.length;
    expect(meanGap).toBeLessThan(0.02);
    expect(Math.max(...png)).toBeGreaterThan(0.5);
  });

  it('turns an EXIF-rotated photo upright: the rotation of the plain photo’s pixels', async () => {
    const plain = await pixels(fixture('scene.jpg'), RGB);
    const rotated = await pixels(fixture('scene-exif6.jpg'), RGB);
    expect(Array.from(rotated)).toEqual(Array.from(orientPixels({ width: 28, height: 28, data: plain }, 6).data));
    expect(Array.from(rotated)).not.toEqual(Array.from(plain));
  });

  it('keeps colour in RGB and weighs it as BT.601 luma in grey; alpha lies over white', async () => {
    const red = pngBytes({ width: 8, height: 8, data: new Uint8Array(64 * 3).fill(0).map((_, i) => (i % 3 === 0 ? 255 : 0)), channels: 3, depth: 8 });
    expect(Array.from((await pixels(red, { side: 4, channels: 3 })).subarray(0, 3))).toEqual([1, 0, 0]);
    expect((await pixels(red, { side: 4, channels: 1 }))[0]).toBeCloseTo(0.299, 6);
    const clear = pngBytes({ width: 4, height: 4, data: new Uint8Array(64), channels: 4, depth: 8 });
    expect(Array.from(await pixels(clear, { side: 4, channels: 1 })).every((v) => Math.abs(v - 1) < 1e-6)).toBe(true);
  });

  it('refuses what the backbones refuse, with the same errors', async () => {
    await expect(pixels(new TextEncoder().encode('GIF89a......'), GREY)).rejects.toThrow(ImageError);
    const jpeg = fixture('scene.jpg');
    await expect(pixels(jpeg.subarray(0, jpeg.length / 2), GREY)).rejects.toMatchObject({ code: 'image_truncated' });
  });
});

describe('one routine for the trainer and the edge', () => {
  const images = [fixture('scene-exif6.jpg'), fixture('mnist-7.png'), fixture('fashion-bag-alpha.png'), fixture('fashion-sneaker.jpg')];

  it('assembleFeatures (the edge) and the trainer compute the same bits as pixelBatch', async () => {
    const block = pixelsBlock(3);
    const batch = await pixelBatch(images, block);
    const edge = await assembleFeatures([block], inputBatch('image', images), new Map());
    expect(Buffer.from(edge.buffer).equals(Buffer.from(batch.buffer))).toBe(true);
    const home = await mkdtemp(path.join(tmpdir(), 'graft-pixels-'));
    process.env.GRAFT_HOME = home;
    try {
      const examples = images.map((bytes, i) => ({ label: String(i % 2), bytes, where: `image ${i}` }));
      const trainer = await imageBlockFeatures(block, examples, 'd'.repeat(64), new Map(), true);
      expect(Buffer.from(trainer.buffer, trainer.byteOffset, trainer.byteLength).equals(Buffer.from(batch.buffer))).toBe(true);
      // Cached on disk: the second read gives the same bits.
      const again = await imageBlockFeatures(block, examples, 'd'.repeat(64), new Map(), true);
      expect(Array.from(again)).toEqual(Array.from(trainer));
    } finally {
      delete process.env.GRAFT_HOME;
      await rm(home, { recursive: true, force: true });
    }
  });

  it('refuses texts for a pixels block', async () => {
    await expect(assembleFeatures([pixelsBlock(1)], inputBatch('text', ['a text']), new Map())).rejects.toThrow(ModalityMismatchError);
  });

  it('gives a grey dataset a grey block and a colour one an RGB block', async () => {
    const home = await mkdtemp(path.join(tmpdir(), 'graft-pixels-'));
    process.env.GRAFT_HOME = home;
    try {
      const example = (bytes: Uint8Array, i: number) => ({ label: 'x', bytes, where: `image ${i}` });
      const grey = await tenantPixels([fixture('mnist-7.png'), fixture('fashion-sneaker.jpg')].map(example), 'e'.repeat(64), true);
      expect(grey.block).toEqual(pixelsBlock(1));
      expect(Array.from(grey.values)).toEqual(Array.from(await pixelBatch([fixture('mnist-7.png'), fixture('fashion-sneaker.jpg')], GREY)));
      const colour = await tenantPixels([fixture('mnist-7.png'), fixture('scene.jpg')].map(example), 'f'.repeat(64), true);
      expect(colour.block).toEqual(pixelsBlock(3));
    } finally {
      delete process.env.GRAFT_HOME;
      await rm(home, { recursive: true, force: true });
    }
  });
});
