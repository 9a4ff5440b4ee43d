import jpeg from 'jpeg-js';
import { ImageError } from './image-error';
import { MAX_IMAGE_PIXELS } from './image-limits';
import type { RgbImage } from './rgb-image';

/** Decodes a JPEG whose header was already checked (readJpegHeader + the pixel limit). */
export function decodeJpeg(bytes: Uint8Array): RgbImage {
  try {
    // useTArray: Uint8Array output, so no Node Buffer is needed (workerd has none).
    const decoded = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: false,
      maxResolutionInMP: MAX_IMAGE_PIXELS / 1e6,
      maxMemoryUsageInMB: 128,
    });
    return { width: decoded.width, height: decoded.height, data: decoded.data };
  } catch (error) {
    throw new ImageError('image_corrupt', `the JPEG could not be decoded: ${(error as Error).message}`);
  }
}
