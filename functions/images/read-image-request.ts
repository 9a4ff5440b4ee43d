import { z } from 'zod';
import { MAX_IMAGE_BYTES } from '../../core/image/image-limits';
import { Problem } from '../problems';

/**
 * Images per predict request. Each is decoded at full size (≤ 4 MP, ~40 MB transient in jpeg-js)
 * one after another and run through the backbone at batch 1, so the count bounds CPU time, not
 * memory; 8 × ~75 ms of backbone stays well inside a request's CPU budget. The whole body is
 * also capped by the predict path's 8 MiB body limit.
 */
export const MAX_IMAGES_PER_REQUEST = 8;

const Options = z.object({
  top_k: z.coerce.number().int().positive().max(1000).optional(),
  version: z.coerce.number().int().positive().optional(),
});

/** `{ images: [base64, …], top_k?, version? }`; data: URLs are accepted for browser clients. */
export const ImagePredictJson = Options.extend({
  images: z.array(z.string().min(1)).min(1),
});

export interface ImageRequest {
  images: Uint8Array[];
  top_k?: number;
  version?: number;
}

function fromBase64(text: string, index: number): Uint8Array {
  const payload = text.startsWith('data:') ? text.slice(text.indexOf(',') + 1) : text;
  // Checked before atob allocates: base64 is 4 characters per 3 bytes.
  if ((payload.length * 3) / 4 > MAX_IMAGE_BYTES + 3) throw new Problem('image_too_large', `image ${index} is over ${MAX_IMAGE_BYTES} bytes`, { index });
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

function checkCount(count: number): void {
  if (count === 0) throw new Problem('invalid_request', 'no images: send multipart `image` files or JSON {"images": [base64…]}');
  if (count > MAX_IMAGES_PER_REQUEST) throw new Problem('too_many_inputs', `at most ${MAX_IMAGES_PER_REQUEST} images per request`, { limit: MAX_IMAGES_PER_REQUEST });
}

function options(raw: Record<string, unknown>): { top_k?: number; version?: number } {
  const parsed = Options.safeParse(raw);
  if (!parsed.success) throw new Problem('invalid_request', `invalid ${parsed.error.issues[0]!.path.join('.')}: ${parsed.error.issues[0]!.message}`);
  return parsed.data;
}

/** Multipart form: one or more `image` file parts, optional `top_k` and `version` fields. */
export async function readMultipartImages(form: FormData): Promise<ImageRequest> {
  // workers-types declares string[] here; File parts arrive as File objects at run time.
  const files = form.getAll('image') as unknown as (File | string)[];
  checkCount(files.length);
  const images: Uint8Array[] = [];
  for (const [index, file] of files.entries()) {
    if (typeof file === 'string') throw new Problem('invalid_request', `part ${index} of "image" is a text field, not a file`, { index });
    if (file.size > MAX_IMAGE_BYTES) throw new Problem('image_too_large', `image ${index} is ${file.size} bytes, over ${MAX_IMAGE_BYTES}`, { index });
    images.push(new Uint8Array(await file.arrayBuffer()));
  }
  return { images, ...options({ top_k: form.get('top_k') ?? undefined, version: form.get('version') ?? undefined }) };
}

export function readJsonImages(body: z.infer<typeof ImagePredictJson>): ImageRequest {
  checkCount(body.images.length);
  return { images: body.images.map(fromBase64), ...options(body) };
}
