import { checkImage } from './check-image';
import { decodeJpeg } from './decode-jpeg';
import { decodePng } from './decode-png';
import { essentialPng } from './essential-png';
import type { Orientation } from './exif-orientation';
import { ImageError } from './image-error';
import { DEFAULT_IMAGE_LIMITS, type ImageLimits } from './image-limits';
import { checkInflatedSize } from './inflate-guard';
import { pngInflatedSize } from './png-header';
import type { RgbImage } from './rgb-image';
import type { ImageType } from './sniff-image';

export interface DecodedImage {
  type: ImageType;
  /** Pixels as stored; `orientation` says how to turn them upright. */
  image: RgbImage;
  orientation: Orientation;
}

/**
 * Sniffs, checks and decodes a JPEG or PNG. Every refusal (empty, wrong type, truncated, too many
 * bytes, pixels, scans or chunks, too costly to decode, inflation bomb) happens before pixel
 * buffers exist: checkImage from the header alone, then the PNG's stream inflated only to count.
 */
export async function decodeImage(bytes: Uint8Array, limits: ImageLimits = DEFAULT_IMAGE_LIMITS): Promise<DecodedImage> {
  const checked = checkImage(bytes, limits);
  let image: RgbImage;
  let orientation: Orientation = 1;
  if (checked.type === 'jpeg') {
    orientation = checked.header.orientation;
    image = decodeJpeg(bytes);
  } else {
    await checkInflatedSize(checked.header.idat, pngInflatedSize(checked.header));
    image = decodePng(essentialPng(bytes, checked.header));
  }
  if (image.data.length !== image.width * image.height * 3) {
    throw new ImageError('image_corrupt', `the ${checked.type.toUpperCase()} decoded to an unexpected number of samples`);
  }
  return { type: checked.type, image, orientation };
}
