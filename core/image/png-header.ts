import { ImageError } from './image-error';
import { MAX_PNG_CHUNKS } from './image-limits';

/** What decoding a PNG allocates depends on these alone (core/image/decode-cost.ts). */
export interface PngLayout {
  width: number;
  height: number;
  depth: number;
  colorType: number;
  interlaced: boolean;
}

export interface PngHeader extends PngLayout {
  /** The zlib stream: every IDAT chunk's data, in order. */
  idat: Uint8Array[];
  /**
   * The chunks the pixels depend on, whole and in order: IHDR, a palette image's PLTE and tRNS,
   * IDAT, IEND. The rest is never handed to the decoder, so a compressed ICC profile or text
   * chunk (iCCP, zTXt, iTXt) that inflates to gigabytes is never inflated.
   */
  essential: Uint8Array[];
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const DEPTHS: Record<number, number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };
const PALETTE = 3;

function chunkType(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(bytes[at]!, bytes[at + 1]!, bytes[at + 2]!, bytes[at + 3]!);
}

/** Samples per pixel for a PNG colour type (palette indices count as one). */
export function pngChannels(colorType: number): number {
  return CHANNELS[colorType]!;
}

function readIhdr(view: DataView, at: number, length: number): PngLayout {
  if (length !== 13) throw new ImageError('image_corrupt', 'the PNG IHDR chunk is not 13 bytes');
  const layout = { width: view.getUint32(at), height: view.getUint32(at + 4), depth: view.getUint8(at + 8), colorType: view.getUint8(at + 9), interlaced: view.getUint8(at + 12) === 1 };
  if (!DEPTHS[layout.colorType]?.includes(layout.depth)) {
    throw new ImageError('image_corrupt', `PNG colour type ${layout.colorType} with bit depth ${layout.depth} is invalid`);
  }
  if (view.getUint8(at + 10) !== 0 || view.getUint8(at + 11) !== 0 || view.getUint8(at + 12) > 1) {
    throw new ImageError('image_corrupt', 'the PNG IHDR names an unknown compression, filter or interlace method');
  }
  return layout;
}

/** A palette has 1 to 2^depth RGB entries: fast-png makes an array of each, so its length is bounded first. */
function checkPalette(layout: PngLayout, length: number, seen: boolean): void {
  const entries = length / 3;
  if (seen || !Number.isInteger(entries) || entries < 1 || entries > 1 << layout.depth) {
    throw new ImageError('image_corrupt', `the PNG palette (PLTE) must appear once with 1 to ${1 << layout.depth} colours; it has ${length} bytes`);
  }
}

/**
 * Walks the chunk list without inflating anything: IHDR gives the size to check against the
 * pixel limit, and a file whose chunks run past its end or that has no IEND is truncated. At
 * most MAX_PNG_CHUNKS chunks are walked, since every one costs the decoder a step.
 */
export function readPngHeader(bytes: Uint8Array): PngHeader {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let layout: PngLayout | undefined;
  let palette = false;
  const idat: Uint8Array[] = [];
  const essential: Uint8Array[] = [];
  let pos = 8;
  for (let chunks = 1; ; chunks++) {
    if (chunks > MAX_PNG_CHUNKS) throw new ImageError('image_too_complex', `the PNG has more than ${MAX_PNG_CHUNKS} chunks; save it again with a common encoder`);
    if (pos + 8 > bytes.length) throw new ImageError('image_truncated', 'the PNG ends before its IEND chunk (truncated upload?)');
    const length = view.getUint32(pos);
    const type = chunkType(bytes, pos + 4);
    const end = pos + 12 + length;
    if (end > bytes.length) throw new ImageError('image_truncated', `the PNG's ${type} chunk runs past the end of the file (truncated upload?)`);
    const chunk = bytes.subarray(pos, end);
    if (type === 'IHDR') {
      if (layout) throw new ImageError('image_corrupt', 'the PNG has more than one IHDR chunk');
      layout = readIhdr(view, pos + 8, length);
      essential.push(chunk);
    } else if (!layout) {
      throw new ImageError('image_corrupt', 'the PNG does not start with an IHDR chunk');
    } else if (type === 'IDAT') {
      idat.push(chunk.subarray(8, 8 + length));
      essential.push(chunk);
    } else if (type === 'IEND') {
      essential.push(chunk);
      break;
    } else if (layout.colorType === PALETTE && type === 'PLTE') {
      checkPalette(layout, length, palette);
      palette = true;
      essential.push(chunk);
    } else if (layout.colorType === PALETTE && type === 'tRNS') {
      essential.push(chunk);
    }
    // Anything else leaves the pixels as they are: colour management, text, a suggested palette
    // or a colour key for a non-palette image (whose alpha comes from its own channel, if any).
    pos = end;
  }
  if (layout!.width === 0 || layout!.height === 0) throw new ImageError('image_empty', `the PNG declares ${layout!.width} × ${layout!.height} pixels`);
  if (idat.length === 0) throw new ImageError('image_corrupt', 'the PNG has no image data (IDAT)');
  if (layout!.colorType === PALETTE && !palette) throw new ImageError('image_corrupt', 'the palette PNG has no palette (PLTE)');
  return { ...layout!, idat, essential };
}

/** Adam7: [x0, y0, dx, dy] of the seven passes. */
const ADAM7_PASSES = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]] as const;

/** Bytes the zlib stream must inflate to: each (pass) row is a filter byte plus packed samples. */
export function pngInflatedSize(h: PngLayout): number {
  const bits = h.depth * pngChannels(h.colorType);
  const rowBytes = (w: number) => (w === 0 ? 0 : 1 + Math.ceil((w * bits) / 8));
  if (!h.interlaced) return h.height * rowBytes(h.width);
  let total = 0;
  for (const [x0, y0, dx, dy] of ADAM7_PASSES) {
    const w = Math.ceil((h.width - x0) / dx);
    const rows = Math.ceil((h.height - y0) / dy);
    if (w > 0 && rows > 0) total += rows * rowBytes(w);
  }
  return total;
}
