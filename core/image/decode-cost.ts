import { MAX_DECODE_BYTES, type ImageLimits } from './image-limits';
import { ImageError } from './image-error';
import type { JpegFrame } from './jpeg-header';
import { pngChannels, pngInflatedSize, type PngLayout } from './png-header';
import type { ImageType } from './sniff-image';

/**
 * What decoding an image allocates, from its header alone, and the budget it is held to: the
 * pixel limit assumes 8-bit RGB, but a 16-bit PNG or a CMYK JPEG of the same size costs more, and
 * jpeg-js's cost follows the blocks and sampling factors the frame declares, not its pixels.
 * Every buffer is counted as if none were freed before the end: a bound, not a forecast.
 */

/** V8's heap bytes for one small typed array besides its contents (the view, its ArrayBuffer and
 * their bookkeeping): 196 measured per Int32Array(64) in Node 20's V8, the engine workerd embeds. */
const TYPED_ARRAY_OVERHEAD = 200;

/** The components of a three-component 4:4:4 JPEG: the costliest 8-bit colour JPEG per pixel. */
const RGB_444 = [1, 2, 3].map((id) => ({ id, h: 1, v: 1 }));
const RGBA_8 = { depth: 8, colorType: 6 };

/**
 * jpeg-js 0.4 decoding the frame as RGB: an Int32Array(64) for every 8×8 block of every
 * component, padded to whole MCUs; a Uint8Array per line of every component's samples; the
 * samples interleaved (width × height × components); the RGB result; its copy of the file.
 */
export function jpegDecodeBytes(frame: JpegFrame, fileBytes: number): number {
  const maxH = Math.max(...frame.components.map((c) => c.h));
  const maxV = Math.max(...frame.components.map((c) => c.v));
  const mcusPerLine = Math.ceil(frame.width / 8 / maxH);
  const mcusPerColumn = Math.ceil(frame.height / 8 / maxV);
  let total = fileBytes + frame.width * frame.height * (frame.components.length + 3);
  for (const c of frame.components) {
    const blocks = mcusPerLine * c.h * mcusPerColumn * c.v;
    const lineBytes = Math.ceil((Math.ceil(frame.width / 8) * c.h) / maxH) * 8;
    const lines = Math.ceil((Math.ceil(frame.height / 8) * c.v) / maxV) * 8;
    total += blocks * (64 * 4 + TYPED_ARRAY_OVERHEAD) + lines * (lineBytes + TYPED_ARRAY_OVERHEAD);
  }
  return total;
}

/**
 * fast-png 8 and decodePng: the file (its essential chunks copied); the inflated stream twice
 * (fflate's pieces, then joined); the unfiltered samples (Adam7 at whole bytes per sample); 8-bit
 * samples where they are not already (16-bit, or greys under 8 bits); the RGB result.
 */
export function pngDecodeBytes(layout: PngLayout, fileBytes: number): number {
  const pixels = layout.width * layout.height;
  const channels = pngChannels(layout.colorType);
  const inflated = pngInflatedSize(layout);
  const unfiltered = layout.interlaced ? pixels * channels * Math.ceil(layout.depth / 8) : inflated - layout.height;
  const eightBit = layout.depth === 8 || layout.colorType === 3 ? 0 : pixels * channels;
  return fileBytes + 2 * inflated + unfiltered + eightBit + pixels * 3;
}

/** What the costliest 8-bit image of the type costs at the limits, capped at `ceiling`: width × height anywhere within
 * the pixel and side limits (jpeg-js pads to whole blocks, so the shape matters), at the byte limit. */
function costliest8Bit(type: ImageType, limits: ImageLimits, ceiling: number): number {
  const cost = (width: number, height: number) =>
    type === 'jpeg'
      ? jpegDecodeBytes({ width, height, components: RGB_444 }, limits.maxBytes)
      : Math.max(...[false, true].map((interlaced) => pngDecodeBytes({ width, height, ...RGBA_8, interlaced }, limits.maxBytes)));
  // One shape already past the ceiling settles it, without walking every width (the usual case).
  const side = Math.min(limits.maxSide, Math.floor(Math.sqrt(limits.maxPixels)));
  if (side > 0 && cost(side, Math.min(limits.maxSide, Math.floor(limits.maxPixels / side))) >= ceiling) return ceiling;
  let most = 0;
  for (let width = 1; width <= limits.maxSide; width++) {
    const height = Math.min(limits.maxSide, Math.floor(limits.maxPixels / width));
    if (height === 0) break;
    most = Math.max(most, cost(width, height));
  }
  return Math.min(most, ceiling);
}

const budgets = new Map<string, number>();

/** The most decoding one image of the type may allocate under these limits: what its costliest
 * 8-bit image costs, and never more than the isolate can spare (MAX_DECODE_BYTES). */
export function decodeBudget(type: ImageType, limits: ImageLimits): number {
  const key = `${type} ${limits.maxBytes} ${limits.maxPixels} ${limits.maxSide}`;
  let budget = budgets.get(key);
  if (budget === undefined) budgets.set(key, (budget = costliest8Bit(type, limits, MAX_DECODE_BYTES)));
  return budget;
}

const MB = (bytes: number) => Math.ceil(bytes / 1e6);

/** Refuses, before anything is allocated, an image that would cost more than its type's budget. */
export function checkDecodeCost(type: ImageType, cost: number, limits: ImageLimits): void {
  const budget = decodeBudget(type, limits);
  if (cost > budget) {
    throw new ImageError(
      'image_too_costly',
      `decoding this ${type.toUpperCase()} would take about ${MB(cost)} MB; one image may take ${MB(budget)} MB (about 1.5 megapixels of a typical JPEG; 16-bit PNGs and CMYK JPEGs cost more per pixel): downscale it or save it as 8-bit RGB`,
    );
  }
}
