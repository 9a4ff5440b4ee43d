/**
 * Golden values for the lexical feature block (`hashed-ngrams`): tokenization, FNV-1a and the
 * sparse vectors of fixed texts. Adapters stored by tenants hold head weights indexed by these
 * buckets, so any change here silently breaks every stored adapter with a hashed n-gram block.
 * The literals below were computed once from the code; if a test fails, the contract changed —
 * do not regenerate them unless a new, versioned routine is being introduced.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FNV_OFFSET, fnvUpdate } from '../../core/hash/fnv1a';
import { hashedNgrams, hashedNgramsSparse, hashedNgramsSparseFromTokens, type HashedNgramsSpec } from '../../core/text/hashed-ngrams';
import { normalizeText } from '../../core/text/normalize';
import { tokenize } from '../../core/text/tokenize';

const sha256 = (view: ArrayBufferView) => createHash('sha256').update(new Uint8Array(view.buffer, view.byteOffset, view.byteLength)).digest('hex');

// Escapes keep the NFC/NFD and full-width forms exact whatever an editor does to the file.
const TEXTS = {
  plain: 'The quick brown fox jumps over the lazy dog and the cat',
  mixed: 'Win a FREE cruise!!! Click NOW, free money... (limited-time) \uFF26\uFF52\uFF45\uFF45',
  nfc: 'Caf\u00e9 na\u00efve r\u00e9sum\u00e9 \u2014 \u00c5ngstr\u00f6m',
  nfd: 'Cafe\u0301 nai\u0308ve re\u0301sume\u0301 \u2014 A\u030angstro\u0308m',
  cjk: '\u6771\u4eac\u3067\u4f1a\u8b70\u304c\u3042\u308a\u307e\u3059\u3002\u660e\u65e5\u306f\u96e8\u3067\u3059 \u6771\u4eac',
  emoji: 'great news \u{1F389}\u{1F389} you won\u{1F642}the prize \u{1F3C6} \u{1F44D}\u{1F3FD}',
  digits: '0123 456 7890 2002 1999 42 \u0661\u0662\u0663 \u00bd 2\u00b2',
  repeats: 'spam spam spam spam eggs spam eggs ham spam',
  empty: '',
} as const;
type TextName = keyof typeof TEXTS;

interface Golden {
  indices: number[];
  /** float32 values, written as the doubles they widen to (exact). */
  values: number[];
  /** sha256 of the Float32Array's bytes (little-endian). */
  sha256: string;
}

const TOKENS: Record<TextName, string[]> = {
  plain: ['the', 'quick', 'brown', 'fox', 'jumps', 'over', 'the', 'lazy', 'dog', 'and', 'the', 'cat'],
  mixed: ['win', 'a', 'free', 'cruise', 'click', 'now', 'free', 'money', 'limited', 'time', 'free'],
  nfc: ['café', 'naïve', 'résumé', 'ångström'],
  nfd: ['café', 'naïve', 'résumé', 'ångström'],
  cjk: ['東京で会議があります', '明日は雨です', '東京'],
  emoji: ['great', 'news', 'you', 'won', 'the', 'prize'],
  digits: ['0123', '456', '7890', '2002', '1999', '42', '١٢٣', '1', '2', '22'],
  repeats: ['spam', 'spam', 'spam', 'spam', 'eggs', 'spam', 'eggs', 'ham', 'spam'],
  empty: [],
};

/** dim 2^18, unigrams and bigrams. */
const WIDE_SPEC: HashedNgramsSpec = { dim: 2 ** 18, ngrams: [1, 2] };
const WIDE: Record<TextName, Golden> = {
  plain: {
    indices: [10428, 19075, 42326, 56851, 56878, 58796, 72456, 92985, 101288, 105694, 147526, 158779, 176163, 177561, 180480, 192945, 199019, 201941, 222532, 232784, 236336],
    values: [0.20242677628993988, 0.20242677628993988, 0.20242677628993988, 0.20242677628993988, 0.20242677628993988, 0.20242677628993988, 0.20242677628993988, 0.20242677628993988, 0.20242677628993988, 0.20242677628993988, 0.20242677628993988, 0.20242677628993988, 0.20242677628993988, 0.20242677628993988, 0.20242677628993988, 0.4248153269290924, 0.20242677628993988, 0.20242677628993988, 0.20242677628993988, 0.20242677628993988, 0.20242677628993988],
    sha256: '4b2e3493405e4cb0becb904bdbeb5b692b958ba240b24bc98024b530d0f69258',
  },
  mixed: {
    indices: [8978, 19560, 26468, 31177, 43155, 64951, 78998, 79417, 97946, 104587, 144578, 145288, 157490, 171285, 188739, 214518, 227470, 252938, 255078],
    values: [0.21126888692378998, 0.4433714747428894, 0.21126888692378998, 0.21126888692378998, 0.21126888692378998, 0.21126888692378998, 0.21126888692378998, 0.21126888692378998, 0.21126888692378998, 0.21126888692378998, 0.21126888692378998, 0.21126888692378998, 0.21126888692378998, 0.21126888692378998, 0.21126888692378998, 0.21126888692378998, 0.21126888692378998, 0.21126888692378998, 0.21126888692378998],
    sha256: 'b9926ef2c68e3995badda44d00a4550e2a749cc1455ded3cef03bb8aa7216e86',
  },
  nfc: {
    indices: [2567, 21973, 29408, 66565, 72139, 95996, 258887],
    values: [0.37796446681022644, 0.37796446681022644, 0.37796446681022644, 0.37796446681022644, 0.37796446681022644, 0.37796446681022644, 0.37796446681022644],
    sha256: '3ad034678dc3470855e5cfacc940b24a8503ffc5a9d8599d39a61826a953d5f1',
  },
  nfd: {
    indices: [2567, 21973, 29408, 66565, 72139, 95996, 258887],
    values: [0.37796446681022644, 0.37796446681022644, 0.37796446681022644, 0.37796446681022644, 0.37796446681022644, 0.37796446681022644, 0.37796446681022644],
    sha256: '3ad034678dc3470855e5cfacc940b24a8503ffc5a9d8599d39a61826a953d5f1',
  },
  cjk: {
    indices: [117856, 140399, 157376, 200718, 247635],
    values: [0.4472135901451111, 0.4472135901451111, 0.4472135901451111, 0.4472135901451111, 0.4472135901451111],
    sha256: '8155d64457f8988ab4e52ed197c43bb6fbf50e02a6d9d5a57fd9e14f386bbc77',
  },
  emoji: {
    indices: [16293, 56749, 69475, 102202, 141598, 173949, 192924, 192945, 196381, 228620, 250476],
    values: [0.30151134729385376, 0.30151134729385376, 0.30151134729385376, 0.30151134729385376, 0.30151134729385376, 0.30151134729385376, 0.30151134729385376, 0.30151134729385376, 0.30151134729385376, 0.30151134729385376, 0.30151134729385376],
    sha256: '2a21d3d9c83739a85f1cd7ac8790741ee3dc2bcee056918a4c4284dd3aee7dd7',
  },
  digits: {
    indices: [14055, 49312, 50521, 61633, 67350, 98178, 107042, 126984, 135901, 139931, 143456, 152268, 161078, 173382, 206294, 214682, 222121, 244863, 257050],
    values: [0.22941572964191437, 0.22941572964191437, 0.22941572964191437, 0.22941572964191437, 0.22941572964191437, 0.22941572964191437, 0.22941572964191437, 0.22941572964191437, 0.22941572964191437, 0.22941572964191437, 0.22941572964191437, 0.22941572964191437, 0.22941572964191437, 0.22941572964191437, 0.22941572964191437, 0.22941572964191437, 0.22941572964191437, 0.22941572964191437, 0.22941572964191437],
    sha256: 'ab4c547e798b79eccbe754ec99f7b1fcf1f274ab23ae19f18d1e20ad7e6c6198',
  },
  repeats: {
    indices: [39450, 42120, 89149, 163006, 192016, 206384, 245247, 252649],
    values: [0.3615427613258362, 0.2135329693555832, 0.2135329693555832, 0.2135329693555832, 0.3615427613258362, 0.2135329693555832, 0.5961326956748962, 0.44812291860580444],
    sha256: 'd9a38f2c3c9bb2035a2787fdffd2c0fd5d252793060e06b328e9bcd9435939eb',
  },
  empty: {
    indices: [],
    values: [],
    sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  },
};

/** dim 1024, unigrams to trigrams (collisions included: they are part of the contract). */
const NARROW_SPEC: HashedNgramsSpec = { dim: 1024, ngrams: [1, 2, 3] };
const NARROW: Record<TextName, Golden> = {
  plain: {
    indices: [12, 35, 59, 70, 188, 213, 222, 256, 270, 324, 336, 342, 363, 409, 428, 433, 442, 531, 558, 564, 643, 661, 676, 709, 776, 816, 818, 825, 885, 936, 966],
    values: [0.17048823833465576, 0.17048823833465576, 0.17048823833465576, 0.17048823833465576, 0.17048823833465576, 0.17048823833465576, 0.17048823833465576, 0.17048823833465576, 0.17048823833465576, 0.17048823833465576, 0.17048823833465576, 0.17048823833465576, 0.17048823833465576, 0.17048823833465576, 0.17048823833465576, 0.35778871178627014, 0.17048823833465576, 0.17048823833465576, 0.17048823833465576, 0.17048823833465576, 0.17048823833465576, 0.17048823833465576, 0.17048823833465576, 0.17048823833465576, 0.17048823833465576, 0.17048823833465576, 0.17048823833465576, 0.17048823833465576, 0.17048823833465576, 0.17048823833465576, 0.17048823833465576],
    sha256: '43293fafcb62b19c1bb8da1ec03995faff5633aaf3e435455c28004ca35a06e9',
  },
  mixed: {
    indices: [10, 102, 104, 139, 142, 147, 150, 194, 218, 274, 277, 323, 404, 439, 457, 502, 507, 563, 569, 625, 662, 666, 765, 786, 818, 868, 904],
    values: [0.17603309452533722, 0.17603309452533722, 0.3694252073764801, 0.17603309452533722, 0.17603309452533722, 0.2980499267578125, 0.17603309452533722, 0.17603309452533722, 0.17603309452533722, 0.17603309452533722, 0.17603309452533722, 0.17603309452533722, 0.17603309452533722, 0.17603309452533722, 0.17603309452533722, 0.17603309452533722, 0.17603309452533722, 0.17603309452533722, 0.17603309452533722, 0.17603309452533722, 0.17603309452533722, 0.17603309452533722, 0.17603309452533722, 0.17603309452533722, 0.17603309452533722, 0.17603309452533722, 0.17603309452533722],
    sha256: '25b18abcc1ab79e933353995ed35d79af51ccd05093d470a8ac844ba38e83cc6',
  },
  nfc: {
    indices: [5, 9, 459, 469, 476, 519, 736, 764, 839],
    values: [0.3333333432674408, 0.3333333432674408, 0.3333333432674408, 0.3333333432674408, 0.3333333432674408, 0.3333333432674408, 0.3333333432674408, 0.3333333432674408, 0.3333333432674408],
    sha256: '3f7262fee48b00806449819dedb73319b6c58985679596ab540014fa0eee88d0',
  },
  nfd: {
    indices: [5, 9, 459, 469, 476, 519, 736, 764, 839],
    values: [0.3333333432674408, 0.3333333432674408, 0.3333333432674408, 0.3333333432674408, 0.3333333432674408, 0.3333333432674408, 0.3333333432674408, 0.3333333432674408, 0.3333333432674408],
    sha256: '3f7262fee48b00806449819dedb73319b6c58985679596ab540014fa0eee88d0',
  },
  cjk: {
    indices: [14, 96, 98, 111, 704, 851],
    values: [0.40824830532073975, 0.40824830532073975, 0.40824830532073975, 0.40824830532073975, 0.40824830532073975, 0.40824830532073975],
    sha256: 'bcf2fcd8341ca5a6bb6ae2e38e0f968332b3d847a457c23c3602318a0db16504',
  },
  emoji: {
    indices: [151, 268, 275, 286, 332, 412, 429, 433, 620, 792, 797, 826, 867, 893, 933],
    values: [0.25819888710975647, 0.25819888710975647, 0.25819888710975647, 0.25819888710975647, 0.25819888710975647, 0.25819888710975647, 0.25819888710975647, 0.25819888710975647, 0.25819888710975647, 0.25819888710975647, 0.25819888710975647, 0.25819888710975647, 0.25819888710975647, 0.25819888710975647, 0.25819888710975647],
    sha256: 'e8434ef22ea328dd5eb1c595de2866344974720f2f0e6a8b50e9ad906c05de28',
  },
  digits: {
    indices: [8, 26, 96, 127, 147, 160, 193, 209, 233, 245, 310, 326, 345, 470, 490, 546, 666, 667, 715, 716, 733, 743, 790, 870, 898, 934, 937],
    values: [0.19245009124279022, 0.19245009124279022, 0.19245009124279022, 0.19245009124279022, 0.19245009124279022, 0.19245009124279022, 0.19245009124279022, 0.19245009124279022, 0.19245009124279022, 0.19245009124279022, 0.19245009124279022, 0.19245009124279022, 0.19245009124279022, 0.19245009124279022, 0.19245009124279022, 0.19245009124279022, 0.19245009124279022, 0.19245009124279022, 0.19245009124279022, 0.19245009124279022, 0.19245009124279022, 0.19245009124279022, 0.19245009124279022, 0.19245009124279022, 0.19245009124279022, 0.19245009124279022, 0.19245009124279022],
    sha256: '080c61e9f2ffa97d03bc29de2277479e672d1e507a232931d6fce34627b07c3d',
  },
  repeats: {
    indices: [58, 61, 136, 164, 190, 259, 327, 511, 528, 538, 560, 707, 745, 909],
    values: [0.1831909418106079, 0.1831909418106079, 0.1831909418106079, 0.1831909418106079, 0.1831909418106079, 0.3101692199707031, 0.1831909418106079, 0.5114250183105469, 0.3101692199707031, 0.3101692199707031, 0.1831909418106079, 0.1831909418106079, 0.38444676995277405, 0.1831909418106079],
    sha256: 'c0f51f5656c0679e27e165efbda71c6ea6964106b821c5b0f44813fac60589b3',
  },
  empty: {
    indices: [],
    values: [],
    sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  },
};

/** sha256 of the dense vector of every text above joined by ' / ', per spec. */
const DENSE_SHA256 = {
  wide: '40b1415d06839016d3882c76b04d1931b1eb62917e04c0b111df228f32be3207',
  narrow: 'de83cb82204d8132d3acc78cedfa02eabd173824b2a9c77b0f842661bf4a671d',
};

const NAMES = Object.keys(TEXTS) as TextName[];

describe('golden: FNV-1a over UTF-16 code units', () => {
  it('hashes fixed strings to fixed 32-bit values', () => {
    const hex = (text: string) => (fnvUpdate(FNV_OFFSET, text) >>> 0).toString(16).padStart(8, '0');
    expect(FNV_OFFSET).toBe(0x811c9dc5);
    // The published FNV-1a 32 test vectors (ASCII: one code unit per byte).
    expect(hex('')).toBe('811c9dc5');
    expect(hex('a')).toBe('e40c292c');
    expect(hex('foobar')).toBe('bf9cf968');
    // Past ASCII it is over UTF-16 code units, not UTF-8 bytes: NFC and NFD differ, astral
    // characters hash as their two surrogates.
    expect(hex('caf\u00e9')).toBe('3308be7c');
    expect(hex('cafe\u0301')).toBe('6d0969eb');
    expect(hex('\u6771\u4eac')).toBe('06271ed0');
    expect(hex('\u{1F389}')).toBe('682eae76');
    // The keys hashed-ngrams buckets: `${n}:${tokens joined by ' '}`.
    expect(hex('1:the')).toBe('a99ef1b1');
    expect(hex('2:the quick')).toBe('2ff04a83');
    // Signed int32 out of Math.imul; callers take `>>> 0` (buckets) or `| 0` (vocabulary).
    expect(fnvUpdate(FNV_OFFSET, 'a')).toBe(-468965076);
    expect(fnvUpdate(fnvUpdate(fnvUpdate(FNV_OFFSET, '2:'), 'the'), ' ')).toBe(fnvUpdate(FNV_OFFSET, '2:the '));
  });
});

describe('golden: normalization and tokenization', () => {
  it('tokenizes each fixed text to the same tokens', () => {
    for (const name of NAMES) expect(tokenize(TEXTS[name]), name).toEqual(TOKENS[name]);
  });

  it('folds NFD into NFC, full-width into ASCII, and compatibility digits (NFKC, then lower case)', () => {
    expect(TEXTS.nfd).not.toBe(TEXTS.nfc);
    expect(normalizeText(TEXTS.nfd)).toBe(normalizeText(TEXTS.nfc));
    expect(normalizeText(TEXTS.nfc)).toBe('caf\u00e9 na\u00efve r\u00e9sum\u00e9 \u2014 \u00e5ngstr\u00f6m');
    expect(normalizeText('\uFF26\uFF52\uFF45\uFF45')).toBe('free');
    expect(normalizeText('\u00bd 2\u00b2')).toBe('1\u20442 22');
    expect(normalizeText('\u0130')).toBe('i\u0307');
  });
});

describe('golden: hashed n-gram buckets', () => {
  for (const [label, spec, golden] of [
    ['dim 2^18, ngrams [1, 2]', WIDE_SPEC, WIDE],
    ['dim 1024, ngrams [1, 2, 3]', NARROW_SPEC, NARROW],
  ] as const) {
    it(`${label}: the same sorted indices and float32 values for each fixed text`, () => {
      for (const name of NAMES) {
        const { indices, values } = hashedNgramsSparse(TEXTS[name], spec);
        expect(Array.from(indices), name).toEqual(golden[name].indices);
        expect(Array.from(values), name).toEqual(golden[name].values);
        expect(sha256(values), name).toBe(golden[name].sha256);
        const fromTokens = hashedNgramsSparseFromTokens(TOKENS[name], spec);
        expect(Array.from(fromTokens.indices), name).toEqual(golden[name].indices);
        expect(sha256(fromTokens.values), name).toBe(golden[name].sha256);
      }
    });
  }

  it('gives NFC and NFD spellings the same vector', () => {
    for (const [spec, golden] of [
      [WIDE_SPEC, WIDE],
      [NARROW_SPEC, NARROW],
    ] as const) {
      const { indices, values } = hashedNgramsSparse(TEXTS.nfd, spec);
      expect({ indices: Array.from(indices), values: Array.from(values), sha256: sha256(values) }).toEqual(golden.nfc);
    }
  });

  it('writes the same dense vectors', () => {
    const joined = NAMES.map((name) => TEXTS[name]).join(' / ');
    expect(sha256(hashedNgrams(joined, WIDE_SPEC))).toBe(DENSE_SHA256.wide);
    expect(sha256(hashedNgrams(joined, NARROW_SPEC))).toBe(DENSE_SHA256.narrow);
  });
});
