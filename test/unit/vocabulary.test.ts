import { describe, expect, it } from 'vitest';
import { BagOfIdsBuffer, bagOfTokens } from '../../core/text/bag-of-ids';
import { Vocabulary } from '../../core/text/vocabulary';
import { seededRandom } from '../../trainer/random';
import { readBackbone } from '../../trainer/backbones/load-backbone';
import { builtVocabulary } from '../helpers/built-vocabulary';
import { TEXT_GLOVE_SIF } from '../../trainer/backbones/text-glove-sif';

/** What the table must agree with: the first id of each word, 0 for anything else. */
function mapOf(words: readonly string[]): Map<string, number> {
  const ids = new Map<string, number>();
  words.forEach((word, i) => {
    if (!ids.has(word)) ids.set(word, i + 1);
  });
  return ids;
}

const ALPHABET = ['a', 'b', 'e', 'n', 's', 'é', 'ß', 'ж', '日', '本', '😀', '1'];

function randomWord(random: () => number): string {
  let word = '';
  const length = Math.floor(random() * 6);
  for (let i = 0; i < length; i++) word += ALPHABET[Math.floor(random() * ALPHABET.length)]!;
  return word;
}

describe('Vocabulary', () => {
  it('gives each word its first id and 0 to anything else, as a Map would', () => {
    const random = seededRandom(3);
    const words = Array.from({ length: 3000 }, () => randomWord(random));
    words.push('', 'the', 'the', 'théâtre', 'emoji😀', 'x'.repeat(300));
    const vocabulary = new Vocabulary(words);
    const expected = mapOf(words);
    expect(vocabulary.size).toBe(words.length);
    for (const word of [...words, ...Array.from({ length: 5000 }, () => randomWord(random)), 'thé', 'the ', 'The', 'x'.repeat(299), 'x'.repeat(301)]) {
      expect(vocabulary.id(word)).toBe(expected.get(word) ?? 0);
    }
  });

  it('agrees with a Map on the real GloVe vocabulary, and on near misses of its words', async () => {
    const backbone = await readBackbone(TEXT_GLOVE_SIF);
    const words = builtVocabulary(backbone).split('\n').filter((w, i, all) => i < all.length - 1 || w !== '');
    const vocabulary = Vocabulary.parse(builtVocabulary(backbone));
    const expected = mapOf(words);
    for (const word of words) {
      expect(vocabulary.id(word)).toBe(expected.get(word));
      for (const near of [`${word}s`, word.slice(1), word.toUpperCase()]) expect(vocabulary.id(near)).toBe(expected.get(near) ?? 0);
    }
  });

  it('is empty without words', () => {
    expect(new Vocabulary([]).id('anything')).toBe(0);
    expect(new Vocabulary([]).id('')).toBe(0);
  });
});

describe('BagOfIdsBuffer', () => {
  it('fills the same ids and counts, in the same order, as bagOfTokens, fill after fill', () => {
    const random = seededRandom(11);
    const words = Array.from({ length: 500 }, () => randomWord(random));
    const vocabulary = new Vocabulary(words);
    const buffer = new BagOfIdsBuffer(vocabulary, 64);
    for (let text = 0; text < 200; text++) {
      const tokens = Array.from({ length: Math.floor(random() * 300) }, () => (random() < 0.8 ? words[Math.floor(random() * words.length)]! : randomWord(random)));
      const expected = bagOfTokens(tokens, vocabulary, 64);
      const length = buffer.fill(tokens);
      expect(Array.from(buffer.ids.subarray(0, length))).toEqual(expected.ids);
      expect(Array.from(buffer.counts.subarray(0, length))).toEqual(expected.counts);
    }
  });
});
