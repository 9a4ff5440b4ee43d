import { ModalityMismatchError } from '../../core/features/assemble-features';
import { ImageError, type ImageErrorCode } from '../../core/image/image-error';

/** Problem codes for image inputs: core/image's ImageError codes, one to one. */
export const IMAGE_PROBLEMS = {
  image_empty: [422, 'Empty image'],
  image_type_unsupported: [415, 'Unsupported image type'],
  image_truncated: [422, 'Truncated image'],
  image_corrupt: [422, 'Corrupt image'],
  image_too_large: [413, 'Image too large'],
  image_too_many_pixels: [422, 'Image has too many pixels'],
  modality_mismatch: [422, 'Input kind does not match the adapter or backbone'],
} as const satisfies Record<ImageErrorCode | 'modality_mismatch', readonly [number, string]>;

/** The problem code and detail for an image or modality error; undefined for anything else. */
export function imageProblemOf(error: unknown, index?: number): { code: keyof typeof IMAGE_PROBLEMS; detail: string; extensions: Record<string, unknown> } | undefined {
  if (error instanceof ImageError) {
    return { code: error.code, detail: index === undefined ? error.message : `image ${index}: ${error.message}`, extensions: index === undefined ? {} : { index } };
  }
  if (error instanceof ModalityMismatchError) return { code: 'modality_mismatch', detail: error.message, extensions: { backbone: error.block, expected: error.expected } };
  return undefined;
}
