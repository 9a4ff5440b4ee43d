import type { ImagePreprocess } from '../backbones/image-rgb/image-rgb-routine';
import { decodeImage } from './decode-image';
import type { ImageLimits } from './image-limits';
import { normalizePixels } from './normalize-pixels';
import { orientPixels, type Pixels } from './orient-image';
import { resizeImage } from './resize-image';

export function preprocessLimits(p: ImagePreprocess): ImageLimits {
  return { maxBytes: p.max_bytes, maxPixels: p.max_pixels, maxSide: p.max_side };
}

/**
 * Decoded, upright RGB (0–255 floats), `box-bilinear` stretched to width × height. Orientation is
 * applied after the resize, on the small image: the resize is stretched, so this equals orienting
 * first at a fraction of the memory and time.
 */
export async function uprightImage(bytes: Uint8Array, width: number, height: number, limits: ImageLimits): Promise<Pixels<Float32Array>> {
  const { image, orientation } = await decodeImage(bytes, limits);
  const swap = orientation >= 5;
  const resized = resizeImage(image, swap ? height : width, swap ? width : height);
  return orientPixels(resized, orientation);
}

/** The backbone's picture: decoded, upright, resized to its input size, before normalising. */
export function uprightPixels(bytes: Uint8Array, p: ImagePreprocess): Promise<Pixels<Float32Array>> {
  return uprightImage(bytes, p.width, p.height, preprocessLimits(p));
}

export interface ImageBatch {
  rows: number;
  /** float32 [rows, height, width, 3]. */
  data: Float32Array;
}

/**
 * The `image-rgb/v1` routine: the backbone's input for a batch of JPEG/PNG files. Images are
 * decoded one after another so only one full-size image is ever in memory.
 */
export async function imageBatch(images: readonly Uint8Array[], p: ImagePreprocess): Promise<ImageBatch> {
  const size = p.width * p.height * 3;
  const data = new Float32Array(images.length * size);
  for (let i = 0; i < images.length; i++) {
    const pixels = await uprightPixels(images[i]!, p);
    normalizePixels(pixels.data, p.normalize, data, i * size);
  }
  return { rows: images.length, data };
}
