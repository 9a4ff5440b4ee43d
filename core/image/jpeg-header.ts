import { exifOrientation, type Orientation } from './exif-orientation';
import { ImageError } from './image-error';

export interface JpegHeader {
  width: number;
  height: number;
  components: number;
  orientation: Orientation;
}

// jpeg-js decodes baseline, extended sequential and progressive Huffman JPEGs (SOF0–SOF2) only.
const SUPPORTED_SOF = new Set([0xc0, 0xc1, 0xc2]);
const OTHER_SOF = new Set([0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

function truncated(): never {
  throw new ImageError('image_truncated', 'the JPEG ends before its end-of-image marker (truncated upload?)');
}

/** Index of the marker that ends the entropy-coded data starting at `from` (0xFF not followed by
 * a stuffed 0x00 or a restart marker). */
function endOfScan(bytes: Uint8Array, from: number): number {
  for (let i = from; i + 1 < bytes.length; i++) {
    if (bytes[i] !== 0xff) continue;
    const next = bytes[i + 1]!;
    if (next !== 0x00 && next !== 0xff && (next < 0xd0 || next > 0xd7)) return i;
  }
  return truncated();
}

/**
 * Walks every marker segment without decoding pixels: the size and EXIF orientation come from
 * the header, and a file that stops before EOI is refused as truncated (jpeg-js would otherwise
 * quietly return a half-grey picture).
 */
export function readJpegHeader(bytes: Uint8Array): JpegHeader {
  let frame: Omit<JpegHeader, 'orientation'> | undefined;
  let orientation: Orientation = 1;
  let pos = 2;
  for (;;) {
    if (pos >= bytes.length) truncated();
    if (bytes[pos] !== 0xff) throw new ImageError('image_corrupt', `JPEG marker expected at byte ${pos}`);
    while (bytes[pos] === 0xff) pos++;
    if (pos >= bytes.length) truncated();
    const marker = bytes[pos++]!;
    if (marker === 0xd9) break;
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) continue;
    if (pos + 2 > bytes.length) truncated();
    const length = (bytes[pos]! << 8) | bytes[pos + 1]!;
    if (length < 2) throw new ImageError('image_corrupt', `JPEG segment 0x${marker.toString(16)} has length ${length}`);
    const end = pos + length;
    if (end > bytes.length) truncated();
    const segment = bytes.subarray(pos + 2, end);
    if (SUPPORTED_SOF.has(marker)) {
      if (segment.length < 6) throw new ImageError('image_corrupt', 'JPEG frame header is too short');
      frame = { height: (segment[1]! << 8) | segment[2]!, width: (segment[3]! << 8) | segment[4]!, components: segment[5]! };
    } else if (OTHER_SOF.has(marker)) {
      throw new ImageError('image_type_unsupported', 'lossless, hierarchical or arithmetic-coded JPEGs are not supported; re-save as baseline or progressive JPEG');
    } else if (marker === 0xe1 && orientation === 1) {
      orientation = exifOrientation(segment);
    }
    pos = marker === 0xda ? endOfScan(bytes, end) : end;
    if (marker === 0xda && !frame) throw new ImageError('image_corrupt', 'JPEG scan before any frame header');
  }
  if (!frame) throw new ImageError('image_corrupt', 'JPEG has no frame header');
  if (frame.width === 0 || frame.height === 0) throw new ImageError('image_empty', `the JPEG declares ${frame.width} × ${frame.height} pixels`);
  if (frame.components !== 1 && frame.components !== 3 && frame.components !== 4) {
    throw new ImageError('image_type_unsupported', `JPEG with ${frame.components} colour components`);
  }
  return { ...frame, orientation };
}
