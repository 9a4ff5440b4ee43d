import type { PixelsFeature } from '../schemas/feature-block';
import { DEFAULT_IMAGE_LIMITS } from './image-limits';
import { uprightImage } from './preprocess-image';

/** The shape of a `pixels` block: what `pixelFeatures` needs to compute it. */
export type PixelsShape = Pick<PixelsFeature, 'side' | 'channels'>;

// ITU-R BT.601 luma: the usual grey of an RGB picture, and exactly the value of a grey one.
const LUMA_R = 0.299;
const LUMA_G = 0.587;
const LUMA_B = 0.114;

/**
 * The `pixels` block of one JPEG/PNG, written into `out` at `offset`: decoded (same limits as the
 * backbones), alpha over white, upright per EXIF, `box-bilinear` stretched to side × side, then
 * RGB or grey, each value in [0, 1], row-major. The trainer and the edge both call this.
 */
export async function pixelFeatures(bytes: Uint8Array, shape: PixelsShape, out: Float32Array, offset = 0): Promise<void> {
  const { data } = await uprightImage(bytes, shape.side, shape.side, DEFAULT_IMAGE_LIMITS);
  const pixels = shape.side * shape.side;
  if (shape.channels === 3) {
    for (let i = 0; i < pixels * 3; i++) out[offset + i] = data[i]! / 255;
    return;
  }
  for (let p = 0; p < pixels; p++) out[offset + p] = (LUMA_R * data[3 * p]! + LUMA_G * data[3 * p + 1]! + LUMA_B * data[3 * p + 2]!) / 255;
}

/** The `pixels` block of a batch, float32 [rows, side × side × channels]; one image decoded at a time. */
export async function pixelBatch(images: readonly Uint8Array[], shape: PixelsShape): Promise<Float32Array> {
  const dim = shape.side * shape.side * shape.channels;
  const out = new Float32Array(images.length * dim);
  for (let i = 0; i < images.length; i++) await pixelFeatures(images[i]!, shape, out, i * dim);
  return out;
}
