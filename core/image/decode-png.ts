import { decode as decodePngData, type DecodedPng } from 'fast-png';
import { ImageError } from './image-error';
import type { RgbImage } from './rgb-image';

// Transparent pixels are laid over white: logos and product shots with an alpha background look
// as they do on a web page, rather than on black.
const BACKGROUND = 255;

function over(value: number, alpha: number): number {
  return Math.round((value * alpha + BACKGROUND * (255 - alpha)) / 255);
}

/** Samples as 8-bit: 16-bit keeps its high byte, 1/2/4-bit greys (packed per row) are unpacked. */
function eightBitSamples(png: DecodedPng): Uint8Array {
  const { data, depth, width, height, channels } = png;
  if (depth === 8) return data instanceof Uint8Array ? data : new Uint8Array(data.buffer, data.byteOffset, data.length);
  if (depth === 16) {
    // A plain loop: Uint8Array.from with a map function collects every value into a JS list
    // first, 400 MB of heap for a 2048 × 2048 RGBA image.
    const out = new Uint8Array(data.length);
    for (let i = 0; i < data.length; i++) out[i] = data[i]! >> 8;
    return out;
  }
  const packed = data as Uint8Array;
  const out = new Uint8Array(width * height * channels);
  const rowBytes = Math.ceil((width * depth) / 8);
  const max = (1 << depth) - 1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const bit = x * depth;
      const byte = packed[y * rowBytes + (bit >> 3)]!;
      out[y * width + x] = Math.round((((byte >> (8 - depth - (bit & 7))) & max) * 255) / max);
    }
  }
  return out;
}

function paletteToRgb(png: DecodedPng): RgbImage {
  const palette = png.palette!;
  const { width, height, depth } = png;
  const packed = png.data as Uint8Array;
  const rowBytes = Math.ceil((width * depth) / 8);
  const mask = (1 << depth) - 1;
  const out = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const bit = x * depth;
      const index = (packed[y * rowBytes + (bit >> 3)]! >> (8 - depth - (bit & 7))) & mask;
      const color = palette[index];
      if (!color) throw new ImageError('image_corrupt', `PNG palette index ${index} is out of range`);
      const alpha = color[3] ?? 255;
      const o = (y * width + x) * 3;
      out[o] = over(color[0]!, alpha);
      out[o + 1] = over(color[1]!, alpha);
      out[o + 2] = over(color[2]!, alpha);
    }
  }
  return { width, height, data: out };
}

function toRgb(png: DecodedPng): RgbImage {
  if (png.palette) return paletteToRgb(png);
  const { width, height, channels } = png;
  const samples = eightBitSamples(png);
  const out = new Uint8Array(width * height * 3);
  for (let p = 0, s = 0, o = 0; p < width * height; p++, s += channels, o += 3) {
    const grey = channels <= 2;
    const alpha = channels === 2 || channels === 4 ? samples[s + channels - 1]! : 255;
    out[o] = over(samples[s]!, alpha);
    out[o + 1] = over(samples[grey ? s : s + 1]!, alpha);
    out[o + 2] = over(samples[grey ? s : s + 2]!, alpha);
  }
  return { width, height, data: out };
}

/** Decodes a PNG whose header, cost and inflated size were already checked, stripped to its
 * essential chunks (core/image/essential-png.ts): fast-png inflates an iCCP profile unbounded. */
export function decodePng(bytes: Uint8Array): RgbImage {
  let png: DecodedPng;
  try {
    png = decodePngData(bytes, { checkCrc: true });
  } catch (error) {
    throw new ImageError('image_corrupt', `the PNG could not be decoded: ${(error as Error).message}`);
  }
  return toRgb(png);
}
