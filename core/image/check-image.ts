import { checkDecodeCost, jpegDecodeBytes, pngDecodeBytes } from './decode-cost';
import { ImageError } from './image-error';
import { DEFAULT_IMAGE_LIMITS, type ImageLimits } from './image-limits';
import { readJpegHeader, type JpegHeader } from './jpeg-header';
import { readPngHeader, type PngHeader } from './png-header';
import { sniffImageType } from './sniff-image';

export type CheckedImage = { type: 'jpeg'; header: JpegHeader } | { type: 'png'; header: PngHeader };

function checkSize(width: number, height: number, limits: ImageLimits): void {
  if (width > limits.maxSide || height > limits.maxSide || width * height > limits.maxPixels) {
    throw new ImageError(
      'image_too_many_pixels',
      `the image declares ${width} × ${height} pixels; at most ${limits.maxPixels} pixels and ${limits.maxSide} per side are decoded (downscale it first)`,
    );
  }
}

/**
 * Everything that can be known of an image before decoding it, checked from its bytes alone:
 * size, type, a complete container, pixels, scans or chunks, and what decoding would allocate.
 * Nothing is inflated and nothing is allocated in proportion to what the header claims, so the
 * edge runs it on every image as it reads the request, before any storage or model work.
 */
export function checkImage(bytes: Uint8Array, limits: ImageLimits = DEFAULT_IMAGE_LIMITS): CheckedImage {
  if (bytes.length > limits.maxBytes) {
    throw new ImageError('image_too_large', `the image is ${bytes.length} bytes; at most ${limits.maxBytes} are accepted`);
  }
  const type = sniffImageType(bytes);
  if (type === 'jpeg') {
    const header = readJpegHeader(bytes);
    checkSize(header.width, header.height, limits);
    checkDecodeCost(type, jpegDecodeBytes(header, bytes.length), limits);
    return { type, header };
  }
  const header = readPngHeader(bytes);
  checkSize(header.width, header.height, limits);
  checkDecodeCost(type, pngDecodeBytes(header, bytes.length), limits);
  return { type, header };
}
