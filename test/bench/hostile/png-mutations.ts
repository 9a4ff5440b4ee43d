import { deflateSync } from 'node:zlib';
import { concatBytes } from '../../helpers/concat-bytes';
import { byteMutant, type Mutant } from './byte-mutations';
import { crc32 } from './crc32';
import type { SeededRandom } from './seeded-random';

interface PngChunk {
  type: string;
  data: Uint8Array;
}

const SIGNATURE = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The chunks of a well-formed PNG (the fuzzer's seeds are). */
function pngChunks(png: Uint8Array): PngChunk[] {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const chunks: PngChunk[] = [];
  for (let at = 8; at + 12 <= png.length; ) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
    chunks.push({ type, data: png.slice(at + 8, at + 8 + length) });
    at += 12 + length;
  }
  return chunks;
}

/** One chunk as bytes: its length field may lie, its CRC may be left stale. */
function encodeChunk(chunk: PngChunk, options: { length?: number; crc?: boolean } = {}): Uint8Array {
  const out = new Uint8Array(12 + chunk.data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, options.length ?? chunk.data.length);
  out.set([...chunk.type].map((c) => c.charCodeAt(0)), 4);
  out.set(chunk.data, 8);
  view.setUint32(8 + chunk.data.length, options.crc === false ? 0xdeadbeef : crc32(out.subarray(4, 8 + chunk.data.length)));
  return out;
}

function encodePng(chunks: readonly PngChunk[], lieAt = -1, lie?: number, crc = true): Uint8Array {
  return concatBytes(SIGNATURE, ...chunks.map((c, i) => encodeChunk(c, i === lieAt ? { length: lie, crc } : {})));
}

const compressed = new Map<number, Uint8Array>();

/** An ancillary chunk whose compressed text inflates to `inflated` bytes of zeros (deflated once per size). */
function compressedChunk(type: 'zTXt' | 'iCCP' | 'iTXt', inflated: number): PngChunk {
  const keyword = new TextEncoder().encode(type === 'iCCP' ? 'icc\0\0' : type === 'zTXt' ? 'Comment\0\0' : 'Comment\0\x01\0\0\0');
  let zeros = compressed.get(inflated);
  if (!zeros) compressed.set(inflated, (zeros = deflateSync(new Uint8Array(inflated), { level: 9 })));
  return { type, data: concatBytes(keyword, zeros) };
}

/** IHDR with one of its fields replaced: width, height, bit depth, colour type or interlace. */
function ihdrLie(ihdr: PngChunk, random: SeededRandom): [string, PngChunk] {
  const data = ihdr.data.slice();
  const view = new DataView(data.buffer);
  const field = random.pick(['width', 'height', 'depth', 'colour', 'interlace'] as const);
  if (field === 'width' || field === 'height') view.setUint32(field === 'width' ? 0 : 4, random.pick([0, 1, 2048, 2049, 8193, 65_535, 2 ** 31 - 1, 2 ** 32 - 1]));
  else data[{ depth: 8, colour: 9, interlace: 12 }[field]] = random.pick(field === 'depth' ? [0, 1, 3, 16, 32, 255] : [0, 1, 2, 3, 4, 6, 7, 255]);
  return [field, { type: 'IHDR', data }];
}

/** One mutation of a PNG: a chunk length lie, IHDR lie, chunk duplicated, dropped or inserted, or byte damage. */
export function mutatePng(png: Uint8Array, random: SeededRandom): Mutant {
  const chunks = pngChunks(png);
  const kind = random.weighted({ 'length-lie': 3, 'ihdr-lie': 3, duplicate: 2, remove: 1, ancillary: 1, bytes: 3 });
  if (kind === 'bytes') return byteMutant(png, random);
  const i = random.int(0, chunks.length - 1);
  const chunk = chunks[i]!;
  if (kind === 'length-lie') {
    const truth = chunk.data.length;
    const lie = random.pick([0, 1, truth + 1, Math.max(0, truth - 1), truth + random.int(2, 4096), 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1]);
    return { mutation: `png-length-lie:${chunk.type}`, bytes: encodePng(chunks, i, lie, random.chance(0.5)) };
  }
  if (kind === 'ihdr-lie') {
    const at = chunks.findIndex((c) => c.type === 'IHDR');
    const [field, lied] = ihdrLie(chunks[at]!, random);
    return { mutation: `png-ihdr-lie:${field}`, bytes: encodePng(chunks.map((c, k) => (k === at ? lied : c))) };
  }
  if (kind === 'duplicate') return { mutation: `png-duplicate:${chunk.type}`, bytes: encodePng([...chunks.slice(0, i + 1), chunk, ...chunks.slice(i + 1)]) };
  if (kind === 'remove') return { mutation: `png-remove:${chunk.type}`, bytes: encodePng([...chunks.slice(0, i), ...chunks.slice(i + 1)]) };
  const type = random.pick(['zTXt', 'iCCP', 'iTXt'] as const);
  const inflated = random.pick([1024, 1 << 20, 16 << 20]);
  return { mutation: `png-ancillary:${type}`, bytes: encodePng([chunks[0]!, compressedChunk(type, inflated), ...chunks.slice(1)]) };
}
