import { describe, expect, it } from 'vitest';
import { bagOfIds, textBatch } from '../../core/text/bag-of-ids';
import { hashedNgrams } from '../../core/text/hashed-ngrams';
import { tokenize } from '../../core/text/tokenize';
import { Vocabulary } from '../../core/text/vocabulary';

const vocabulary = new Vocabulary(['the', 'cat', 'sat', 'café', '42', 'naïve']);

describe('text preprocessing', () => {
  it('lower-cases, folds compatibility forms and splits on non-word characters', () => {
    expect(tokenize('The CAT, sat!! ＣＡＦÉ 42…')).toEqual(['the', 'cat', 'sat', 'café', '42']);
    expect(tokenize('')).toEqual([]);
    expect(tokenize('?!… 🙂🙂')).toEqual([]);
    expect(tokenize('naïve 東京 ١٢٣')).toEqual(['naïve', '東京', '١٢٣']);
  });

  it('maps words to ids with 0 for unknown words and counts repeats once per distinct id', () => {
    expect(vocabulary.id('the')).toBe(1);
    expect(vocabulary.id('dog')).toBe(0);
    expect(bagOfIds('the cat the dog THE', vocabulary)).toEqual({ ids: [1, 2], counts: [3, 1] });
    expect(bagOfIds('the cat sat', vocabulary, 2)).toEqual({ ids: [1, 2], counts: [1, 1] });
  });

  it('pads a batch to its widest bag, at least one column wide', () => {
    const batch = textBatch(['the cat', '', 'sat'], vocabulary);
    expect(batch.width).toBe(2);
    expect(Array.from(batch.ids)).toEqual([1, 2, 0, 0, 3, 0]);
    expect(Array.from(batch.counts)).toEqual([1, 1, 0, 0, 1, 0]);
    expect(textBatch([''], vocabulary).width).toBe(1);
  });

  it('hashes n-grams into an L2-normalised, deterministic block', () => {
    const spec = { dim: 64, ngrams: [1, 2] };
    const a = hashedNgrams('the cat sat on the mat', spec);
    expect(Array.from(a)).toEqual(Array.from(hashedNgrams('The cat sat on the MAT!', spec)));
    const norm = Math.hypot(...a);
    expect(norm).toBeCloseTo(1, 6);
    expect(Array.from(hashedNgrams('', spec)).every((v) => v === 0)).toBe(true);
  });
});
