import { concatBytes } from '../../helpers/concat-bytes';
import { byteMutant, type Mutant } from './byte-mutations';
import type { SeededRandom } from './seeded-random';

const ascii = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));

function chunk(id: string, data: Uint8Array, sizeLie?: number): Uint8Array {
  const header = new Uint8Array(8);
  header.set(ascii(id));
  new DataView(header.buffer).setUint32(4, sizeLie ?? data.length, true);
  return concatBytes(header, data, data.length % 2 ? new Uint8Array(1) : new Uint8Array());
}

interface WavParts {
  fmt: Uint8Array;
  data: Uint8Array;
}

/** 50 ms of a 440 Hz tone, 16-bit mono PCM at 8 kHz: an audio file a client might send by mistake. */
function toneParts(): WavParts {
  const rate = 8000;
  const samples = rate / 20;
  const fmt = new DataView(new ArrayBuffer(16));
  fmt.setUint16(0, 1, true);
  fmt.setUint16(2, 1, true);
  fmt.setUint32(4, rate, true);
  fmt.setUint32(8, rate * 2, true);
  fmt.setUint16(12, 2, true);
  fmt.setUint16(14, 16, true);
  const data = new DataView(new ArrayBuffer(samples * 2));
  for (let i = 0; i < samples; i++) data.setInt16(i * 2, Math.round(12_000 * Math.sin((2 * Math.PI * 440 * i) / rate)), true);
  return { fmt: new Uint8Array(fmt.buffer), data: new Uint8Array(data.buffer) };
}

function encodeWav(chunks: readonly Uint8Array[], riffSizeLie?: number, form = 'WAVE', magic = 'RIFF'): Uint8Array {
  const body = concatBytes(ascii(form), ...chunks);
  const header = new Uint8Array(8);
  header.set(ascii(magic));
  new DataView(header.buffer).setUint32(4, riffSizeLie ?? body.length, true);
  return concatBytes(header, body);
}

/** The tone as a well-formed WAV file. */
function toneWav(): Uint8Array {
  const { fmt, data } = toneParts();
  return encodeWav([chunk('fmt ', fmt), chunk('data', data)]);
}

const SIZE_LIES = [0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 0xfffffff0];

/** One mutation of the WAV: a RIFF or chunk size lie, a chunk duplicated, another RIFF form or magic, or byte damage. */
export function mutateWav(random: SeededRandom): Mutant {
  const { fmt, data } = toneParts();
  const kind = random.weighted({ 'riff-size-lie': 2, 'chunk-size-lie': 3, duplicate: 1, form: 1, bytes: 3 });
  if (kind === 'riff-size-lie') return { mutation: 'wav-riff-size-lie', bytes: encodeWav([chunk('fmt ', fmt), chunk('data', data)], random.pick(SIZE_LIES)) };
  if (kind === 'chunk-size-lie') {
    const lieFmt = random.chance(0.5);
    const lie = random.pick([...SIZE_LIES, data.length + 1, fmt.length - 1]);
    return { mutation: `wav-chunk-size-lie:${lieFmt ? 'fmt' : 'data'}`, bytes: encodeWav([chunk('fmt ', fmt, lieFmt ? lie : undefined), chunk('data', data, lieFmt ? undefined : lie)]) };
  }
  if (kind === 'duplicate') return { mutation: 'wav-duplicate', bytes: encodeWav([chunk('fmt ', fmt), chunk('fmt ', fmt), chunk('data', data), chunk('data', data)]) };
  // WebP and friends share RIFF: the sniffer must name them without decoding.
  if (kind === 'form') return { mutation: 'wav-form', bytes: encodeWav([chunk('fmt ', fmt), chunk('data', data)], undefined, random.pick(['WEBP', 'AVI ', 'RMID']), random.pick(['RIFF', 'RIFX', 'RF64'])) };
  return byteMutant(toneWav(), random);
}
