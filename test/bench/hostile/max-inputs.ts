import { API_LIMITS } from '../../../core/schemas/api';
import { encodeJpeg, syntheticScene } from '../../helpers/image-fixtures';
import { textOfTokens } from '../serve/bench-models';
import { multipartBody } from './multipart-body';

export interface Body {
  body: Uint8Array;
  type: string;
}

const json = (value: unknown): Body => ({ body: new TextEncoder().encode(JSON.stringify(value)), type: 'application/json' });

/** A real-text body of exactly the documented maximum length (100,000 characters). */
export function maxText(): string {
  let text = textOfTokens(25_000);
  while (text.length < API_LIMITS.maxTextChars) text += ` ${text}`;
  return text.slice(0, API_LIMITS.maxTextChars);
}

/** The largest batch of the longest texts the limits allow (64 × 100,000 characters, ~6.4 MB). */
export function maxTextBatch(extra: Record<string, unknown> = {}): Body {
  return json({ ...extra, inputs: Array.from({ length: API_LIMITS.maxBatchInputs }, () => maxText()) });
}

/** Sides tried for the largest image the edge decodes, from the documented 2048 × 2048 down. */
const SIDES = [2048, 1792, 1536, 1280, 1152, 1024, 896, 768, 640, 512];

export interface ImageBatch {
  form: Body;
  images: number;
  side: number;
  image_bytes: number;
  /** Sides refused on the way down, with their codes: where the decoder's budget is tighter than the pixel limit. */
  refused: Record<string, string>;
}

/**
 * The costliest image batch the edge accepts: photo-like 4:4:4 JPEGs (jpeg-js's, the costliest
 * 8-bit kind to decode) of the largest side `accepts` takes, starting at the documented pixel
 * limit, as many as the documented count and the body limit allow.
 */
export async function largestImageBatch(accepts: (single: Body) => Promise<string>): Promise<ImageBatch> {
  const budget = API_LIMITS.maxBodyBytes - 4096;
  const refused: Record<string, string> = {};
  for (const side of SIDES) {
    const jpeg = encodeJpeg(side, side, syntheticScene(side, side, 5), 90);
    const code = await accepts(multipartBody([{ name: 'image', data: jpeg, filename: 'probe.jpg', type: 'image/jpeg' }]));
    if (code !== 'ok') {
      refused[`${side} × ${side}`] = code;
      continue;
    }
    const images = Math.min(API_LIMITS.maxImagesPerRequest, Math.floor(budget / jpeg.length));
    const form = multipartBody(Array.from({ length: images }, (_, i) => ({ name: 'image', data: jpeg, filename: `max-${i}.jpg`, type: 'image/jpeg' })));
    return { form, images, side, image_bytes: jpeg.length, refused };
  }
  throw new Error(`no image side was accepted: ${JSON.stringify(refused)}`);
}

/** A JPEG whose frame header claims 4096 × 4096 pixels: refused from the header. */
function oversizedJpegHeader(): Uint8Array {
  const sof = [0xff, 0xc0, 0x00, 0x11, 0x08, 0x10, 0x00, 0x10, 0x00, 0x03, 0x01, 0x11, 0x00, 0x02, 0x11, 0x00, 0x03, 0x11, 0x00];
  return Uint8Array.from([0xff, 0xd8, ...sof, 0xff, 0xd9]);
}

/** Requests over a documented limit, one per limit: each must be refused before its cost is paid. */
export function oversizedRequests(adapters: { text: string[]; image: string }, photo: Uint8Array): { label: string; path: string; body: Body }[] {
  const b64 = Buffer.from(photo).toString('base64');
  const text = maxText();
  const predict = (name: string) => `/v1/adapters/${name}/predict`;
  return [
    { label: 'nine images', path: predict(adapters.image), body: json({ images: Array.from({ length: API_LIMITS.maxImagesPerRequest + 1 }, () => b64) }) },
    { label: '65 texts', path: predict(adapters.text[0]!), body: json({ inputs: Array.from({ length: API_LIMITS.maxBatchInputs + 1 }, () => 'x') }) },
    { label: 'text of 100,001 characters', path: predict(adapters.text[0]!), body: json({ inputs: [`${text}x`] }) },
    { label: 'body over 8 MiB', path: predict(adapters.text[0]!), body: json({ inputs: [text.repeat(Math.ceil(API_LIMITS.maxBodyBytes / text.length) + 1)] }) },
    { label: '4096 × 4096 header', path: predict(adapters.image), body: multipartBody([{ name: 'image', data: oversizedJpegHeader(), filename: 'big.jpg' }]) },
    { label: 'nine adapters', path: '/v1/predict', body: json({ adapters: Array.from({ length: API_LIMITS.maxAdaptersPerPredict + 1 }, (_, i) => adapters.text[i % adapters.text.length]), inputs: ['x'] }) },
  ];
}
