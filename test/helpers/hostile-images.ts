/**
 * Crafted JPEG and PNG files for the hostile-input tests: decompression bombs in PNG ancillary
 * chunks, files split into absurd numbers of chunks or scans, headers whose real decoding cost is
 * far above what their pixel count suggests. Every file is a valid container (CRCs, segment
 * lengths, an end marker), so it is the decoder's bounds that refuse it, not a shallow check.
 */
import { createDeflate, crc32 } from 'node:zlib';
import { concatBytes } from './concat-bytes';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];


const latin1 = (text: string) => new Uint8Array([...text].map((c) => c.charCodeAt(0)));

// --- PNG ---

/** One PNG chunk with its CRC. */
export function pngChunk(type: string, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(latin1(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

export function ihdr(width: number, height: number, depth: number, colorType: number, interlace = 0): Uint8Array {
  const data = new Uint8Array(13);
  const view = new DataView(data.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  data.set([depth, colorType, 0, 0, interlace], 8);
  return pngChunk('IHDR', data);
}

export function pngFile(chunks: readonly Uint8Array[]): Uint8Array {
  return concatBytes(new Uint8Array(PNG_SIGNATURE), ...chunks);
}

/** The PNG's chunks, each whole (length, type, data, CRC). */
export function pngChunks(png: Uint8Array): Uint8Array[] {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const chunks: Uint8Array[] = [];
  for (let at = 8; at < png.length; at += 12 + view.getUint32(at)) chunks.push(png.subarray(at, at + 12 + view.getUint32(at)));
  return chunks;
}

/** The PNG with `extra` chunks right after its IHDR (where iCCP and text chunks usually sit). */
export function withChunksAfterIhdr(png: Uint8Array, extra: readonly Uint8Array[]): Uint8Array {
  const [header, ...rest] = pngChunks(png);
  return pngFile([header!, ...extra, ...rest]);
}

/**
 * A zlib stream of `bytes` zero bytes, about a thousandth of that size: the payload of an
 * iCCP/zTXt/iTXt bomb. Run-length strategy, so a gigabyte takes a fraction of a second to build.
 */
export async function zlibOfZeros(bytes: number): Promise<Uint8Array> {
  const deflate = createDeflate({ level: 9, memLevel: 9, strategy: 3 });
  const parts: Buffer[] = [];
  deflate.on('data', (part: Buffer) => parts.push(part));
  const ended = new Promise((resolve, reject) => deflate.on('end', resolve).on('error', reject));
  const zeros = Buffer.alloc(1 << 20);
  for (let left = bytes; left > 0; left -= zeros.length) {
    if (!deflate.write(zeros.subarray(0, Math.min(left, zeros.length)))) await new Promise((resolve) => deflate.once('drain', resolve));
  }
  deflate.end();
  await ended;
  return concatBytes(...parts);
}

/** iCCP: profile name, compression method 0, the zlib stream. */
export const iccpChunk = (stream: Uint8Array) => pngChunk('iCCP', concatBytes(latin1('icc\0'), new Uint8Array([0]), stream));

/** zTXt: keyword, compression method 0, the zlib stream. */
export const ztxtChunk = (stream: Uint8Array) => pngChunk('zTXt', concatBytes(latin1('Comment\0'), new Uint8Array([0]), stream));

/** iTXt: keyword, compressed, method 0, no language or translation, the zlib stream. */
export const itxtChunk = (stream: Uint8Array) => pngChunk('iTXt', concatBytes(latin1('Comment\0'), new Uint8Array([1, 0]), latin1('\0\0'), stream));

/**
 * The PNG with its image data re-cut into IDAT chunks of `size` bytes, `empty` zero-length IDATs
 * after each: the same zlib stream, so the same pixels, in as many chunks as the caller likes.
 */
export function withIdatSplit(png: Uint8Array, size: number, empty = 0): Uint8Array {
  const chunks = pngChunks(png);
  const stream = concatBytes(...chunks.filter((c) => latin1('IDAT').every((b, i) => c[4 + i] === b)).map((c) => c.subarray(8, c.length - 4)));
  const idats: Uint8Array[] = [];
  const none = pngChunk('IDAT');
  for (let at = 0; at < stream.length; at += size) {
    idats.push(pngChunk('IDAT', stream.subarray(at, at + size)));
    for (let i = 0; i < empty; i++) idats.push(none);
  }
  return pngFile([chunks[0]!, ...idats, chunks.at(-1)!]);
}

// --- JPEG ---

export function jpegSegment(marker: number, payload: Uint8Array = new Uint8Array(0)): Uint8Array {
  const length = payload.length + 2;
  return concatBytes(new Uint8Array([0xff, marker, length >> 8, length & 0xff]), payload);
}

/** Writes entropy-coded bits MSB first, stuffing a zero after each 0xFF and padding with ones. */
class BitWriter {
  private readonly bytes: number[] = [];
  private current = 0;
  private count = 0;

  write(value: number, bits: number): void {
    for (let b = bits - 1; b >= 0; b--) {
      this.current = (this.current << 1) | ((value >> b) & 1);
      if (++this.count === 8) this.flushByte();
    }
  }

  private flushByte(): void {
    this.bytes.push(this.current);
    if (this.current === 0xff) this.bytes.push(0);
    this.current = 0;
    this.count = 0;
  }

  done(): Uint8Array {
    if (this.count > 0) this.write(0xff >> this.count, 8 - this.count);
    return new Uint8Array(this.bytes);
  }
}

export interface FlatComponent {
  id: number;
  h: number;
  v: number;
}

export interface FlatJpegOptions {
  width: number;
  height: number;
  components: readonly FlatComponent[];
  /** Progressive (SOF2): a DC scan, then `acScans` EOB-run AC scans of the first component. */
  progressive?: { acScans: number };
  /** Adobe APP14 transform: 0 for CMYK, 2 for YCCK (four-component JPEGs need one). */
  adobeTransform?: number;
  /** Extra frame headers (SOF) after the first, each a copy of it. */
  extraFrames?: number;
}

/** Huffman table with one one-bit code ("0") for `symbol`. */
function oneSymbolTable(tableClass: 0 | 1, id: number, symbol: number): Uint8Array {
  const lengths = new Uint8Array(16);
  lengths[0] = 1;
  return concatBytes(new Uint8Array([(tableClass << 4) | id]), lengths, new Uint8Array([symbol]));
}

/**
 * A JPEG of one flat grey (every coefficient zero), any size, sampling and component count, that
 * jpeg-js decodes: one-symbol Huffman tables make each block one or two bits, so a 2048 × 2048
 * frame is a few tens of kilobytes.
 */
export function flatJpeg(o: FlatJpegOptions): Uint8Array {
  const maxH = Math.max(...o.components.map((c) => c.h));
  const maxV = Math.max(...o.components.map((c) => c.v));
  const mcus = Math.ceil(o.width / 8 / maxH) * Math.ceil(o.height / 8 / maxV);
  const blocksPerMcu = o.components.reduce((n, c) => n + c.h * c.v, 0);
  const frame = concatBytes(
    new Uint8Array([8, o.height >> 8, o.height & 0xff, o.width >> 8, o.width & 0xff, o.components.length]),
    ...o.components.map((c) => new Uint8Array([c.id, (c.h << 4) | c.v, 0])),
  );
  const sofMarker = o.progressive ? 0xc2 : 0xc0;
  const parts: Uint8Array[] = [new Uint8Array([0xff, 0xd8])];
  if (o.adobeTransform !== undefined) parts.push(jpegSegment(0xee, concatBytes(latin1('Adobe'), new Uint8Array([0, 100, 0, 0, 0, 0, o.adobeTransform]))));
  parts.push(jpegSegment(0xdb, concatBytes(new Uint8Array([0]), new Uint8Array(64).fill(1))));
  for (let i = 0; i <= (o.extraFrames ?? 0); i++) parts.push(jpegSegment(sofMarker, frame));
  // DC table 0: category 0 (no difference); AC table 0: EOB; AC table 1: an EOB run of 2^14 + 14 bits.
  parts.push(jpegSegment(0xc4, concatBytes(oneSymbolTable(0, 0, 0), oneSymbolTable(1, 0, 0), oneSymbolTable(1, 1, 0xe0))));
  const scanHeader = (components: readonly FlatComponent[], tables: number, ss: number, se: number) =>
    jpegSegment(0xda, concatBytes(new Uint8Array([components.length]), ...components.map((c) => new Uint8Array([c.id, tables])), new Uint8Array([ss, se, 0])));
  if (!o.progressive) {
    const bits = new BitWriter();
    for (let i = 0; i < mcus * blocksPerMcu; i++) bits.write(0, 2);
    parts.push(scanHeader(o.components, 0x00, 0, 63), bits.done());
  } else {
    const dc = new BitWriter();
    for (let i = 0; i < mcus * blocksPerMcu; i++) dc.write(0, 1);
    parts.push(scanHeader(o.components, 0x00, 0, 0), dc.done());
    // A non-interleaved scan covers the component's own blocks, not the MCU-padded ones.
    const first = o.components[0]!;
    const blocks = Math.ceil(Math.ceil(o.width / 8) * (first.h / maxH)) * Math.ceil(Math.ceil(o.height / 8) * (first.v / maxV));
    const ac = new BitWriter();
    for (let left = blocks; left > 0; left -= 32767) ac.write(0x3fff, 15);
    const acScan = concatBytes(scanHeader([first], 0x01, 1, 63), ac.done());
    for (let i = 0; i < o.progressive.acScans; i++) parts.push(acScan);
  }
  parts.push(new Uint8Array([0xff, 0xd9]));
  return concatBytes(...parts);
}

export const GREY: readonly FlatComponent[] = [{ id: 1, h: 1, v: 1 }];
export const YCBCR_444: readonly FlatComponent[] = [{ id: 1, h: 1, v: 1 }, { id: 2, h: 1, v: 1 }, { id: 3, h: 1, v: 1 }];
export const YCBCR_420: readonly FlatComponent[] = [{ id: 1, h: 2, v: 2 }, { id: 2, h: 1, v: 1 }, { id: 3, h: 1, v: 1 }];
export const CMYK_444: readonly FlatComponent[] = [...YCBCR_444, { id: 4, h: 1, v: 1 }];
