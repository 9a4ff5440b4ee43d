/** Why an image was refused; stable strings the edge maps to problem codes and tests match on. */
export type ImageErrorCode =
  | 'image_empty'
  | 'image_type_unsupported'
  | 'image_truncated'
  | 'image_corrupt'
  | 'image_too_large'
  | 'image_too_many_pixels'
  | 'image_too_costly'
  | 'image_too_complex';

/** Raised before any large allocation whenever an input cannot be decoded safely. */
export class ImageError extends Error {
  constructor(
    readonly code: ImageErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ImageError';
  }
}
