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

/**
 * As many 2048 × 2048 photo-like JPEGs (4 MP, the pixel limit) as the body limit holds, up to
 * the documented 8: quality 90 keeps each under 1 MiB, so all 8 fit.
 */
export function maxImageBatch(): { form: Body; images: number; image_bytes: number } {
  const side = Math.sqrt(API_LIMITS.maxImagePixels);
  const rgb = syntheticScene(side, side, 5);
  const budget = API_LIMITS.maxBodyBytes - 4096;
  for (const quality of [90, 75, 60]) {
    const jpeg = encodeJpeg(side, side, rgb, quality);
    const images = Math.min(API_LIMITS.maxImagesPerRequest, Math.floor(budget / jpeg.length));
    if (images === API_LIMITS.maxImagesPerRequest || quality === 60) {
      const form = multipartBody(Array.from({ length: images }, (_, i) => ({ name: 'image', data: jpeg, filename: `max-${i}.jpg`, type: 'image/jpeg' })));
      return { form, images, image_bytes: jpeg.length };
    }
  }
  throw new Error('unreachable');
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
