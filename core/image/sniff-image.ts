import { ImageError } from './image-error';

export type ImageType = 'jpeg' | 'png';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function startsWith(bytes: Uint8Array, prefix: readonly number[], at = 0): boolean {
  return bytes.length >= at + prefix.length && prefix.every((b, i) => bytes[at + i] === b);
}

function ascii(bytes: Uint8Array, at: number, text: string): boolean {
  return startsWith(bytes, [...text].map((c) => c.charCodeAt(0)), at);
}

/** Names formats we recognise but do not decode, so the error says what was sent. */
function otherType(bytes: Uint8Array): string | undefined {
  if (ascii(bytes, 0, 'GIF8')) return 'GIF';
  if (ascii(bytes, 0, 'RIFF') && ascii(bytes, 8, 'WEBP')) return 'WebP';
  if (ascii(bytes, 0, 'BM')) return 'BMP';
  if (ascii(bytes, 4, 'ftyp')) return 'HEIF/AVIF';
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) return 'TIFF';
  return undefined;
}

/** The image type from its magic bytes; a declared content type is never trusted. */
export function sniffImageType(bytes: Uint8Array): ImageType {
  if (bytes.length === 0) throw new ImageError('image_empty', 'the image is empty (0 bytes)');
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(bytes, PNG_SIGNATURE)) return 'png';
  const other = otherType(bytes);
  throw new ImageError(
    'image_type_unsupported',
    other ? `${other} images are not supported; send JPEG or PNG` : 'not a JPEG or PNG image (unrecognised leading bytes)',
  );
}
