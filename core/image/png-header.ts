import { ImageError } from './image-error';

export interface PngHeader {
  width: number;
  height: number;
  depth: number;
  colorType: number;
  interlaced: boolean;
  /** The zlib stream: every IDAT chunk's data, in order. */
  idat: Uint8Array[];
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const DEPTHS: Record<number, number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };

function chunkType(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(bytes[at]!, bytes[at + 1]!, bytes[at + 2]!, bytes[at + 3]!);
}

/** Samples per pixel for a PNG colour type (palette indices count as one). */
export function pngChannels(colorType: number): number {
  return CHANNELS[colorType]!;
}

/**
 * Walks the chunk list without inflating anything: IHDR gives the size to check against the
 * pixel limit, and a file whose chunks run past its end or that has no IEND is truncated.
 */
export function readPngHeader(bytes: Uint8Array): PngHeader {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let header: Omit<PngHeader, 'idat'> | undefined;
  const idat: Uint8Array[] = [];
  let pos = 8;
  for (;;) {
    if (pos + 8 > bytes.length) throw new ImageError('image_truncated', 'the PNG ends before its IEND chunk (truncated upload?)');
    const length = view.getUint32(pos);
    const type = chunkType(bytes, pos + 4);
    const end = pos + 12 + length;
    if (end > bytes.length) throw new ImageError('image_truncated', `the PNG's ${type} chunk runs past the end of the file (truncated upload?)`);
    if (!header && type !== 'IHDR') throw new ImageError('image_corrupt', 'the PNG does not start with an IHDR chunk');
    if (type === 'IHDR') {
      if (length !== 13) throw new ImageError('image_corrupt', 'the PNG IHDR chunk is not 13 bytes');
      header = {
        width: view.getUint32(pos + 8),
        height: view.getUint32(pos + 12),
        depth: bytes[pos + 16]!,
        colorType: bytes[pos + 17]!,
        interlaced: bytes[pos + 20] === 1,
      };
      if (!DEPTHS[header.colorType]?.includes(header.depth)) {
        throw new ImageError('image_corrupt', `PNG colour type ${header.colorType} with bit depth ${header.depth} is invalid`);
      }
    } else if (type === 'IDAT') {
      idat.push(bytes.subarray(pos + 8, pos + 8 + length));
    } else if (type === 'IEND') {
      break;
    }
    pos = end;
  }
  if (header!.width === 0 || header!.height === 0) throw new ImageError('image_empty', `the PNG declares ${header!.width} × ${header!.height} pixels`);
  if (idat.length === 0) throw new ImageError('image_corrupt', 'the PNG has no image data (IDAT)');
  return { ...header!, idat };
}

/** Bytes the zlib stream must inflate to: each (pass) row is a filter byte plus packed samples. */
export function pngInflatedSize(h: Pick<PngHeader, 'width' | 'height' | 'depth' | 'colorType' | 'interlaced'>): number {
  const bits = h.depth * pngChannels(h.colorType);
  const rowBytes = (w: number) => (w === 0 ? 0 : 1 + Math.ceil((w * bits) / 8));
  if (!h.interlaced) return h.height * rowBytes(h.width);
  // Adam7: [x0, y0, dx, dy] of the seven passes.
  const passes = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]] as const;
  let total = 0;
  for (const [x0, y0, dx, dy] of passes) {
    const w = Math.ceil((h.width - x0) / dx);
    const rows = Math.ceil((h.height - y0) / dy);
    if (w > 0 && rows > 0) total += rows * rowBytes(w);
  }
  return total;
}
