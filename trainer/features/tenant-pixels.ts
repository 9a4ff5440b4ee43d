import type { PixelsFeature } from '../../core/schemas/feature-block';
import type { ImageExample } from '../data/image-dataset';
import { imageBlockFeatures } from './extract-image-features';

/** Thumbnail side of the pixels block: the MNIST family's 28, enough for layout and shape. */
export const PIXELS_SIDE = 28;

/** An image counts as grey when its channels differ by less than this on average (JPEG's chroma
 * rounding leaves a grey picture a level or two off). */
const GREY_SPREAD = 2 / 255;

export function pixelsBlock(channels: 1 | 3): PixelsFeature {
  return { source: 'pixels', dim: PIXELS_SIDE * PIXELS_SIDE * channels, side: PIXELS_SIDE, channels };
}

function isGrey(rgb: Float32Array, row: number, pixels: number): boolean {
  let spread = 0;
  for (let p = 0, at = row * pixels * 3; p < pixels; p++, at += 3) {
    spread += Math.max(rgb[at]!, rgb[at + 1]!, rgb[at + 2]!) - Math.min(rgb[at]!, rgb[at + 1]!, rgb[at + 2]!);
  }
  return spread / pixels < GREY_SPREAD;
}

/**
 * The pixels block a tenant's head reads: grey when every training image is grey (a third of the
 * columns, and colour would add nothing), RGB otherwise. Values come from core/ via the same
 * routine the edge runs on the adapter's block.
 */
export async function tenantPixels(
  examples: readonly ImageExample[],
  datasetSha256: string,
  quiet: boolean,
): Promise<{ block: PixelsFeature; values: Float32Array }> {
  const none = new Map();
  const rgb = pixelsBlock(3);
  const values = await imageBlockFeatures(rgb, examples, datasetSha256, none, quiet);
  const pixels = PIXELS_SIDE * PIXELS_SIDE;
  if (!examples.every((_, row) => isGrey(values, row, pixels))) return { block: rgb, values };
  const grey = pixelsBlock(1);
  return { block: grey, values: await imageBlockFeatures(grey, examples, datasetSha256, none, quiet) };
}
