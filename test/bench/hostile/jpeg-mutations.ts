import { concatBytes } from '../../helpers/concat-bytes';
import { byteMutant, type Mutant } from './byte-mutations';
import type { SeededRandom } from './seeded-random';

/** A marker segment; SOS carries its entropy-coded data with it, standalone markers have no length. */
interface JpegSegment {
  marker: number;
  /** The payload after the 2-byte length (undefined for standalone markers). */
  payload?: Uint8Array;
  /** Entropy-coded bytes after an SOS header. */
  scan?: Uint8Array;
}

const standalone = (m: number) => m === 0xd8 || m === 0xd9 || m === 0x01 || (m >= 0xd0 && m <= 0xd7);

/** The segments of a well-formed JPEG (the fuzzer's seeds are). */
function jpegSegments(jpeg: Uint8Array): JpegSegment[] {
  const segments: JpegSegment[] = [];
  let at = 0;
  while (at + 1 < jpeg.length) {
    if (jpeg[at] !== 0xff) throw new Error(`no marker at ${at}`);
    const marker = jpeg[at + 1]!;
    at += 2;
    if (standalone(marker)) {
      segments.push({ marker });
      continue;
    }
    const length = (jpeg[at]! << 8) | jpeg[at + 1]!;
    const payload = jpeg.slice(at + 2, at + length);
    at += length;
    if (marker !== 0xda) {
      segments.push({ marker, payload });
      continue;
    }
    let end = at;
    while (end + 1 < jpeg.length && !(jpeg[end] === 0xff && jpeg[end + 1] !== 0 && !(jpeg[end + 1]! >= 0xd0 && jpeg[end + 1]! <= 0xd7))) end++;
    segments.push({ marker, payload, scan: jpeg.slice(at, end) });
    at = end;
  }
  return segments;
}

function encodeSegment(segment: JpegSegment, lengthLie?: number): Uint8Array {
  if (!segment.payload) return Uint8Array.of(0xff, segment.marker);
  const length = lengthLie ?? segment.payload.length + 2;
  return concatBytes(Uint8Array.of(0xff, segment.marker, (length >> 8) & 0xff, length & 0xff), segment.payload, segment.scan ?? new Uint8Array());
}

function encodeJpeg(segments: readonly JpegSegment[], lieAt = -1, lie?: number): Uint8Array {
  return concatBytes(...segments.map((s, i) => encodeSegment(s, i === lieAt ? lie : undefined)));
}

const isFrame = (m: number) => m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;

/** The frame header with one field replaced: precision, height, width, component count or sampling. */
function frameLie(sof: JpegSegment, random: SeededRandom): [string, JpegSegment] {
  const payload = sof.payload!.slice();
  const field = random.pick(['precision', 'height', 'width', 'components', 'sampling', 'quant-table', 'progressive'] as const);
  const u16 = (at: number, v: number) => payload.set([(v >> 8) & 0xff, v & 0xff], at);
  if (field === 'precision') payload[0] = random.pick([0, 1, 12, 16, 255]);
  else if (field === 'height' || field === 'width') u16(field === 'height' ? 1 : 3, random.pick([0, 1, 2048, 2049, 8193, 65_535]));
  else if (field === 'components') payload[5] = random.pick([0, 2, 4, 255]);
  else if (field === 'sampling') payload[7] = random.pick([0x00, 0x44, 0x41, 0x14, 0xff, 0x88]);
  else if (field === 'quant-table') payload[8] = random.pick([3, 4, 255]);
  return [field, { ...sof, marker: field === 'progressive' ? 0xc2 : sof.marker, payload }];
}

/** One mutation of a JPEG: a segment length lie, frame-header lie, segment duplicated (many scans too) or dropped, or byte damage. */
export function mutateJpeg(jpeg: Uint8Array, random: SeededRandom): Mutant {
  const segments = jpegSegments(jpeg);
  const kind = random.weighted({ 'length-lie': 3, 'frame-lie': 3, duplicate: 2, remove: 1, 'many-scans': 1, bytes: 3 });
  if (kind === 'bytes') return byteMutant(jpeg, random);
  const withLength = segments.flatMap((s, i) => (s.payload ? [i] : []));
  const i = random.pick(kind === 'remove' ? segments.map((_, k) => k).slice(1) : withLength);
  const segment = segments[i]!;
  const name = segment.marker.toString(16).toUpperCase();
  if (kind === 'length-lie') {
    const truth = segment.payload!.length + 2;
    return { mutation: `jpeg-length-lie:${name}`, bytes: encodeJpeg(segments, i, random.pick([0, 1, 2, truth - 1, truth + 1, truth + random.int(2, 2048), 0xffff])) };
  }
  if (kind === 'frame-lie') {
    const at = segments.findIndex((s) => isFrame(s.marker));
    const [field, lied] = frameLie(segments[at]!, random);
    return { mutation: `jpeg-frame-lie:${field}`, bytes: encodeJpeg(segments.map((s, k) => (k === at ? lied : s))) };
  }
  if (kind === 'duplicate') return { mutation: `jpeg-duplicate:${name}`, bytes: encodeJpeg([...segments.slice(0, i + 1), segment, ...segments.slice(i + 1)]) };
  if (kind === 'remove') return { mutation: `jpeg-remove:${name}`, bytes: encodeJpeg([...segments.slice(0, i), ...segments.slice(i + 1)]) };
  // Scan after scan: a progressive-looking file with hundreds of SOS segments.
  const sos = segments.findIndex((s) => s.marker === 0xda);
  const copies = Array.from({ length: random.pick([20, 200]) }, () => segments[sos]!);
  return { mutation: 'jpeg-many-scans', bytes: encodeJpeg([...segments.slice(0, sos + 1), ...copies, ...segments.slice(sos + 1)]) };
}
