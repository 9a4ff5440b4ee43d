import { checkImage } from '../../core/image/check-image';
import { API_LIMITS } from '../../core/schemas/api';
import { Problem } from '../problems';
import { imageProblemOf } from './image-problems';

const MAX_BYTES = API_LIMITS.maxImageBytes;

function tooLarge(index: number, size: string): Problem {
  return new Problem('image_too_large', `image ${index} is ${size}; at most ${MAX_BYTES} bytes are accepted`, { index, limit: MAX_BYTES });
}

function fromBase64(text: string, index: number): Uint8Array {
  const payload = text.startsWith('data:') ? text.slice(text.indexOf(',') + 1) : text;
  // Checked before atob allocates: base64 is 4 characters per 3 bytes.
  if ((payload.length * 3) / 4 > MAX_BYTES + 3) throw tooLarge(index, `${payload.length} base64 characters`);
  let binary: string;
  try {
    binary = atob(payload.replace(/\s+/g, ''));
  } catch {
    throw new Problem('invalid_request', `images[${index}] is not valid base64`, { index });
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Refuses, naming the image, what could not be decoded within the limits: checked from the bytes
 * alone, before the version, the head or a backbone is looked up. Decoding checks again, under
 * the backbone's own limits. */
function checkBytes(bytes: Uint8Array, index: number): void {
  try {
    checkImage(bytes);
  } catch (error) {
    const problem = imageProblemOf(error, index);
    if (!problem) throw error;
    throw new Problem(problem.code, problem.detail, problem.extensions);
  }
}

/**
 * The encoded bytes of each image: base64 text from a JSON body or a multipart file part. Each is
 * checked here (core/image's checkImage, as in training), one at a time, so the problem names the
 * image; the decoder checks again and guards the inflated size of a PNG.
 */
export async function imageBytes(images: readonly (string | Blob)[]): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for (const [index, image] of images.entries()) {
    if (typeof image !== 'string' && image.size > MAX_BYTES) throw tooLarge(index, `${image.size} bytes`);
    const bytes = typeof image === 'string' ? fromBase64(image, index) : new Uint8Array(await image.arrayBuffer());
    checkBytes(bytes, index);
    out.push(bytes);
  }
  return out;
}
