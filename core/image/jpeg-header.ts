import { exifOrientation, type Orientation } from './exif-orientation';
import { ImageError } from './image-error';
import { MAX_JPEG_SCANS } from './image-limits';

/** One colour component of the frame, with its sampling factors. */
export interface JpegComponent {
  id: number;
  h: number;
  v: number;
}

/** What decoding a JPEG allocates depends on these alone (core/image/decode-cost.ts). */
export interface JpegFrame {
  width: number;
  height: number;
  components: JpegComponent[];
}

export interface JpegHeader extends JpegFrame {
  orientation: Orientation;
}

// jpeg-js decodes baseline, extended sequential and progressive Huffman JPEGs (SOF0–SOF2) only.
const SUPPORTED_SOF = new Set([0xc0, 0xc1, 0xc2]);
const OTHER_SOF = new Set([0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);
const SOS = 0xda;
const APP14 = 0xee;
const ADOBE = [0x41, 0x64, 0x6f, 0x62, 0x65];

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

/** The frame header (SOF): size and components, each with sampling factors of 1 to 4 as the
 * standard allows (jpeg-js pads every component to whole MCUs of the largest factors). */
function readFrame(segment: Uint8Array): JpegFrame {
  const count = segment[5] ?? 0;
  if (segment.length < 6 + 3 * count) throw new ImageError('image_corrupt', 'JPEG frame header is too short');
  if (count !== 1 && count !== 3 && count !== 4) throw new ImageError('image_type_unsupported', `JPEG with ${count} colour components`);
  const components: JpegComponent[] = [];
  for (let i = 0; i < count; i++) {
    const at = 6 + 3 * i;
    const component = { id: segment[at]!, h: segment[at + 1]! >> 4, v: segment[at + 1]! & 15 };
    if (component.h < 1 || component.h > 4 || component.v < 1 || component.v > 4) {
      throw new ImageError('image_corrupt', `JPEG component ${component.id} has sampling factors ${component.h} × ${component.v}; 1 to 4 are valid`);
    }
    if (components.some((c) => c.id === component.id)) throw new ImageError('image_corrupt', `JPEG component ${component.id} is declared twice`);
    components.push(component);
  }
  return { height: (segment[1]! << 8) | segment[2]!, width: (segment[3]! << 8) | segment[4]!, components };
}

/**
 * Walks every marker segment without decoding pixels: the size, components and EXIF orientation
 * come from the header, and a file that stops before EOI is refused as truncated (jpeg-js would
 * otherwise quietly return a half-grey picture). What jpeg-js would do in proportion to the file's
 * claims is bounded here: exactly one frame header (it allocates every block of each one it meets)
 * and at most MAX_JPEG_SCANS scans (it walks every block once per scan).
 */
export function readJpegHeader(bytes: Uint8Array): JpegHeader {
  let frame: JpegFrame | undefined;
  let orientation: Orientation = 1;
  let adobe = false;
  let scans = 0;
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
      if (frame) throw new ImageError('image_corrupt', 'the JPEG has more than one frame header; only single-frame JPEGs are decoded');
      frame = readFrame(segment);
    } else if (OTHER_SOF.has(marker)) {
      throw new ImageError('image_type_unsupported', 'lossless, hierarchical or arithmetic-coded JPEGs are not supported; re-save as baseline or progressive JPEG');
    } else if (marker === 0xe1 && orientation === 1) {
      orientation = exifOrientation(segment);
    } else if (marker === APP14 && ADOBE.every((b, i) => segment[i] === b)) {
      adobe = true;
    } else if (marker === SOS) {
      if (!frame) throw new ImageError('image_corrupt', 'JPEG scan before any frame header');
      if (++scans > MAX_JPEG_SCANS) throw new ImageError('image_too_complex', `the JPEG has more than ${MAX_JPEG_SCANS} scans; re-save it as a baseline JPEG`);
    }
    pos = marker === SOS ? endOfScan(bytes, end) : end;
  }
  if (!frame) throw new ImageError('image_corrupt', 'JPEG has no frame header');
  if (frame.width === 0 || frame.height === 0) throw new ImageError('image_empty', `the JPEG declares ${frame.width} × ${frame.height} pixels`);
  // jpeg-js reads four components only as Adobe CMYK or YCCK, and finds out after decoding them.
  if (frame.components.length === 4 && !adobe) {
    throw new ImageError('image_type_unsupported', 'a four-component JPEG without an Adobe marker (unknown colour space); save it as RGB');
  }
  return { ...frame, orientation };
}
