import { concatBytes } from '../../helpers/concat-bytes';
import type { SeededRandom } from './seeded-random';

/** A mutated file and the name of what was done to it, for the code distribution and replays. */
export interface Mutant {
  mutation: string;
  bytes: Uint8Array;
}

/** Values that often sit at a parser's edge: zero, sign bits, all ones. */
const INTERESTING_BYTES = [0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff];

/** 1 to 8 single-bit flips anywhere. */
function flipBits(bytes: Uint8Array, random: SeededRandom): Mutant {
  const out = bytes.slice();
  const flips = random.int(1, 8);
  for (let i = 0; i < flips && out.length > 0; i++) out[random.int(0, out.length - 1)]! ^= 1 << random.int(0, 7);
  return { mutation: 'bit-flip', bytes: out };
}

/** Cut short at a random offset (sometimes to nothing, sometimes by one byte). */
function truncate(bytes: Uint8Array, random: SeededRandom): Mutant {
  const at = random.pick([0, 1, bytes.length - 1, random.int(0, bytes.length - 1)]);
  return { mutation: 'truncate', bytes: bytes.slice(0, Math.max(0, at)) };
}

/** A few bytes overwritten with edge values, or random bytes inserted. */
function splice(bytes: Uint8Array, random: SeededRandom): Mutant {
  if (random.chance(0.5)) {
    const out = bytes.slice();
    const count = random.int(1, 4);
    for (let i = 0; i < count && out.length > 0; i++) out[random.int(0, out.length - 1)] = random.pick(INTERESTING_BYTES);
    return { mutation: 'edge-bytes', bytes: out };
  }
  const at = random.int(0, bytes.length);
  const inserted = random.bytes(random.int(1, 64));
  return { mutation: 'insert-bytes', bytes: concatBytes(bytes.subarray(0, at), inserted, bytes.subarray(at)) };
}

/** The generic mutations every format gets besides its own structural ones. */
export function byteMutant(bytes: Uint8Array, random: SeededRandom): Mutant {
  const pick = random.weighted({ flip: 3, truncate: 2, splice: 2 });
  if (pick === 'flip') return flipBits(bytes, random);
  if (pick === 'truncate') return truncate(bytes, random);
  return splice(bytes, random);
}
