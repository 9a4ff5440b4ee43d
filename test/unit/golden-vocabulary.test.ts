/**
 * Golden values for the text backbone's input: vocabulary ids and bags of ids. A stored adapter
 * was trained on embeddings of these ids, so the id of a word, the treatment of unknown words and
 * the order/truncation of a bag are a contract, as are the built GloVe vocabulary's bytes.
 * The literals below were computed once from the code; a failure means the contract changed.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BagOfIdsBuffer, bagOfIds, textBatch } from '../../core/text/bag-of-ids';
import { MAX_DISTINCT_TOKENS } from '../../core/text/limits';
import { tokenize } from '../../core/text/tokenize';
import { Vocabulary } from '../../core/text/vocabulary';
import { TEXT_GLOVE_SIF } from '../../trainer/backbones/text-glove-sif';
import { backboneDir } from '../../trainer/paths';

const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');

// Line i is id i + 1: 'the' listed twice keeps id 1 (line 8 is skipped, 'free' is still 9), and
// the blank line 11 takes id 11.
const VOCAB_TEXT = 'the\ncat\nsat\ncaf\u00e9\n42\nna\u00efve\n\u6771\u4eac\nthe\nfree\nmoney\n\nwin\n';

const IDS: [string, number][] = [
  ['the', 1],
  ['cat', 2],
  ['sat', 3],
  ['caf\u00e9', 4],
  ['42', 5],
  ['na\u00efve', 6],
  ['\u6771\u4eac', 7],
  ['free', 9],
  ['money', 10],
  ['', 11],
  ['win', 12],
  // Unknown: 0. Lookups are exact; normalization is tokenize's job.
  ['dog', 0],
  ['The', 0],
  ['cafe\u0301', 0],
  ['the ', 0],
  ['th', 0],
];

/** [text, bag, bag with maxDistinct 2]. */
const BAGS: [string, { ids: number[]; counts: number[] }, { ids: number[]; counts: number[] }][] = [
  ['the cat sat on the mat with the cat', { ids: [1, 2, 3], counts: [3, 2, 1] }, { ids: [1, 2], counts: [3, 2] }],
  ['FREE money!!! Win free MONEY, win win', { ids: [9, 10, 12], counts: [2, 2, 3] }, { ids: [9, 10], counts: [2, 2] }],
  ['Cafe\u0301 42 na\u00efve \u6771\u4eac dog', { ids: [4, 5, 6, 7], counts: [1, 1, 1, 1] }, { ids: [4, 5], counts: [1, 1] }],
  ['', { ids: [], counts: [] }, { ids: [], counts: [] }],
  ['dog bird fish', { ids: [], counts: [] }, { ids: [], counts: [] }],
  // Truncation keeps the first distinct ids, and still counts their later repeats.
  [
    'the cat sat caf\u00e9 42 na\u00efve \u6771\u4eac free money win the cat',
    { ids: [1, 2, 3, 4, 5, 6, 7, 9, 10, 12], counts: [2, 2, 1, 1, 1, 1, 1, 1, 1, 1] },
    { ids: [1, 2], counts: [2, 2] },
  ],
];

/** Ids in the built text-glove-sif vocabulary (word i of vocab.txt has id i + 1). */
const GLOVE_IDS: [string, number][] = [
  ['the', 1],
  ['of', 2],
  ['to', 3],
  ['and', 4],
  ['in', 5],
  ['is', 9],
  ['meeting', 260],
  ['money', 282],
  ['free', 384],
  ['computer', 873],
  // Not in the built vocabulary ('a' is absent from the source list's kept words).
  ['a', 0],
  ['2002', 0],
  ['caf\u00e9', 0],
  ['The', 0],
  ['qzxvwq', 0],
];

const GLOVE = {
  words: 40_000,
  vocabSha256: 'a76bc3244ad95b5fa5f372e95080b7d221e0c22133780bad6945c088d8530358',
  vocabBytes: 326_499,
  modelSha256: 'eee09f5850f21c0fd27b6705be9943af20cd59a660231f042d5f50c5919b855c',
  firstWords: ['the', 'of', 'to', 'and', 'in', 'for', 'that', 'on', 'is', 'was', 'said', 'with'],
  lastWords: ['lefthander', 'universality'],
};

describe('golden: vocabulary ids', () => {
  const vocabulary = Vocabulary.parse(VOCAB_TEXT);

  it('gives each listed word its first line number, and 0 to anything else', () => {
    expect(vocabulary.size).toBe(12);
    for (const [word, id] of IDS) expect(vocabulary.id(word), JSON.stringify(word)).toBe(id);
  });

  it('reads one word per line with or without the final newline', () => {
    expect(Vocabulary.parse(VOCAB_TEXT.slice(0, -1)).size).toBe(12);
    expect(Vocabulary.parse(VOCAB_TEXT.slice(0, -1)).id('win')).toBe(12);
  });
});

describe('golden: bags of ids', () => {
  const vocabulary = Vocabulary.parse(VOCAB_TEXT);

  it('bags fixed texts into the same ids, counts and order', () => {
    expect(MAX_DISTINCT_TOKENS).toBe(4096);
    for (const [text, bag, truncated] of BAGS) {
      expect(bagOfIds(text, vocabulary), text).toEqual(bag);
      expect(bagOfIds(text, vocabulary, 2), text).toEqual(truncated);
      expect(bagOfIds(text, vocabulary, 0), text).toEqual({ ids: [], counts: [] });
      const buffer = new BagOfIdsBuffer(vocabulary, 2);
      const length = buffer.fill(tokenize(text));
      expect({ ids: Array.from(buffer.ids.subarray(0, length)), counts: Array.from(buffer.counts.subarray(0, length)) }, text).toEqual(truncated);
    }
  });

  it('pads a batch with id 0 and count 0 to its widest bag', () => {
    const batch = textBatch(
      BAGS.slice(0, 4).map(([text]) => text),
      vocabulary,
    );
    expect([batch.rows, batch.width]).toEqual([4, 4]);
    expect(Array.from(batch.ids)).toEqual([1, 2, 3, 0, 9, 10, 12, 0, 4, 5, 6, 7, 0, 0, 0, 0]);
    expect(Array.from(batch.counts)).toEqual([3, 2, 1, 0, 2, 2, 3, 0, 1, 1, 1, 1, 0, 0, 0, 0]);
  });
});

// Built by the global setup (test/helpers/backbone-global-setup.ts) into backboneDir, as the other
// unit tests on the real backbone expect; read as raw files, since the bytes are the contract.
describe('golden: the built text-glove-sif vocabulary', () => {
  it('has the same bytes, and the same ids for common words', async () => {
    const dir = backboneDir(TEXT_GLOVE_SIF);
    const manifest = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')) as {
      sha256: string;
      preprocess: { routine: string; vocabulary: string };
      assets: { path: string; sha256: string; bytes: number }[];
    };
    expect(manifest.preprocess.routine).toBe('text-bag-of-ids/v1');
    expect(manifest.preprocess.vocabulary).toBe('vocab.txt');
    // The model's sha256 is what adapters' backbone feature blocks reference.
    expect(manifest.sha256).toBe(GLOVE.modelSha256);
    expect(manifest.assets).toEqual([{ path: 'vocab.txt', sha256: GLOVE.vocabSha256, bytes: GLOVE.vocabBytes }]);

    const bytes = new Uint8Array(await readFile(path.join(dir, 'vocab.txt')));
    expect(sha256(bytes)).toBe(GLOVE.vocabSha256);
    expect(bytes.length).toBe(GLOVE.vocabBytes);
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    const lines = text.split('\n');
    expect(lines.slice(0, GLOVE.firstWords.length)).toEqual(GLOVE.firstWords);
    expect(lines.slice(-3)).toEqual([...GLOVE.lastWords, '']);
    const vocabulary = Vocabulary.parse(text);
    expect(vocabulary.size).toBe(GLOVE.words);
    for (const [word, id] of GLOVE_IDS) expect(vocabulary.id(word), word).toBe(id);
  });
});
