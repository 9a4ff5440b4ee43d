import type { Orientation } from './exif-orientation';
import { checkInflatedSize } from './inflate-guard';
import { ImageError } from './image-error';
import { MAX_IMAGE_BYTES, MAX_IMAGE_PIXELS, MAX_IMAGE_SIDE } from './image-limits';
import { decodeJpeg } from './decode-jpeg';
import { decodePng } from './decode-png';
import { readJpegHeader } from './jpeg-header';
import { pngInflatedSize, readPngHeader } from './png-header';
import type { RgbImage } from './rgb-image';
import { sniffImageType, type ImageType } from './sniff-image';

export interface ImageLimits {
  maxBytes: number;
  maxPixels: number;
  maxSide: number;
}

export const DEFAULT_IMAGE_LIMITS: ImageLimits = { maxBytes: MAX_IMAGE_BYTES, maxPixels: MAX_IMAGE_PIXELS, maxSide: MAX_IMAGE_SIDE };

export interface DecodedImage {
  type: ImageType;
  /** Pixels as stored; `orientation` says how to turn them upright. */
  image: RgbImage;
  orientation: Orientation;
}

function checkSize(width: number, height: number, limits: ImageLimits): void {
  if (width > limits.maxSide || height > limits.maxSide || width * height > limits.maxPixels) {
    throw new ImageError(
      'image_too_many_pixels',
      `the image declares ${width} × ${height} pixels; at most ${limits.maxPixels} pixels and ${limits.maxSide} per side are decoded (downscale it first)`,
    );
  }
}

/**
 * Sniffs, checks and decodes a JPEG or PNG. Every refusal (empty, wrong type, truncated, too many
 * bytes or pixels, inflation bomb) happens from the header alone, before pixel buffers exist.
 */
export async function decodeImage(bytes: Uint8Array, limits: ImageLimits = DEFAULT_IMAGE_LIMITS): Promise<DecodedImage> {
  if (bytes.length > limits.maxBytes) {
    throw new ImageError('image_too_large', `the image is ${bytes.length} bytes; at most ${limits.maxBytes} are accepted`);
  }
  const type = sniffImageType(bytes);
  let image: RgbImage;
  let orientation: Orientation = 1;
  if (type === 'jpeg') {
    const header = readJpegHeader(bytes);
    checkSize(header.width, header.height, limits);
    orientation = header.orientation;
    image = decodeJpeg(bytes);
  } else {
    const header = readPngHeader(bytes);
    checkSize(header.width, header.height, limits);
    await checkInflatedSize(header.idat, pngInflatedSize(header));
    image = decodePng(bytes);
  }
  if (image.data.length !== image.width * image.height * 3) {
    throw new ImageError('image_corrupt', `the ${type.toUpperCase()} decoded to an unexpected number of samples`);
  }
  return { type, image, orientation };
}
