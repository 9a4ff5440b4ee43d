/**
 * Golden values for the text backbone's bag-of-ids evaluator, on the tiny seeded test backbone:
 * its bytes (the manifest's sha256, which adapters reference) and the embeddings of fixed texts.
 * A stored adapter's head was trained on these embeddings. The literals below were computed once
 * from the code; a failure means the contract changed.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bagOfIdsBackboneFromBytes, evaluateBagOfIdsBackbone } from '../../core/backbones/text-bag-of-ids/bag-of-ids-backbone';
import { textBatch } from '../../core/text/bag-of-ids';
import { Vocabulary } from '../../core/text/vocabulary';
import { TINY_DIM, tinyTextBackbone } from '../helpers/tiny-text-backbone';

const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');

const TINY = {
  modelSha256: '38eaa03a7aff5bfcfe96de187ddf79200773ed7dc5149457905470d74f41d51a',
  modelBytes: 21_387,
  vocabSha256: '91269d0b6e380bc1727694689cd9e5069d19c852e74a094695fb27c13bc9306d',
  vocabBytes: 1464,
  words: 300,
  dim: 16,
};

const TEXTS = [
  'Free money! Click to claim your cash prize, free free',
  'Team meeting tomorrow: review the project report and the agenda',
  // No known word: the graph's epsilon guards give exactly zero.
  'qzxv unknown words only',
];

/** Each text's embedding, rounded to 6 decimals. */
const EMBEDDINGS = [
  [0.009944, 0.281021, 0.451697, -0.30488, 0.376741, 0.062206, -0.118156, -0.021884, -0.267515, 0.333544, -0.406381, -0.005634, 0.162126, -0.141072, -0.096411, 0.245415],
  [0.156138, -0.263958, 0.350516, -0.522075, -0.078347, -0.05456, -0.277766, 0.022708, -0.049243, 0.035069, -0.078032, -0.044759, 0.163562, -0.2501, -0.487068, -0.292324],
  [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
];
/** sha256 of the float32 embeddings of all three texts, [3, 16]. */
const EMBEDDINGS_SHA256 = 'ee31bbbf6999da48d2bd2e3cac921a0b569c6bc38bcdeefa99b49895a871e126';

describe('golden: tiny text backbone (text-bag-of-ids/v1)', () => {
  it('builds the same bytes from the same seed', async () => {
    const tiny = await tinyTextBackbone();
    expect(sha256(tiny.model)).toBe(TINY.modelSha256);
    expect(tiny.manifest.sha256).toBe(TINY.modelSha256);
    expect(tiny.manifest.bytes).toBe(TINY.modelBytes);
    expect(sha256(tiny.vocab)).toBe(TINY.vocabSha256);
    expect(tiny.manifest.assets).toEqual([{ path: 'vocab.txt', sha256: TINY.vocabSha256, bytes: TINY.vocabBytes }]);
    expect(tiny.manifest.preprocess).toEqual({ routine: 'text-bag-of-ids/v1', vocabulary: 'vocab.txt', max_distinct_tokens: 4096, max_chars: 100_000 });
    expect(tiny.manifest.output).toEqual({ name: 'embedding', dim: TINY.dim });
  });

  it('embeds fixed texts to the same vectors', async () => {
    const tiny = await tinyTextBackbone();
    const vocabulary = Vocabulary.parse(tiny.vocab);
    expect(vocabulary.size).toBe(TINY.words);
    const backbone = bagOfIdsBackboneFromBytes(tiny.model);
    expect(backbone).toBeDefined();
    expect([backbone!.rows, backbone!.dim, backbone!.outputName]).toEqual([TINY.words + 1, TINY_DIM, 'embedding']);
    const out = evaluateBagOfIdsBackbone(backbone!, textBatch(TEXTS, vocabulary));
    expect(out.length).toBe(TEXTS.length * TINY_DIM);
    TEXTS.forEach((text, row) => {
      const embedding = Array.from(out.subarray(row * TINY_DIM, (row + 1) * TINY_DIM), (v) => Number(v.toFixed(6)) + 0);
      expect(embedding, text).toEqual(EMBEDDINGS[row]);
    });
    expect(sha256(new Uint8Array(out.buffer, out.byteOffset, out.byteLength))).toBe(EMBEDDINGS_SHA256);
  });
});
