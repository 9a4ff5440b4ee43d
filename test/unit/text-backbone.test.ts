import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeModel } from '../../core/onnx/decode-model';
import { readTensorData } from '../../core/onnx/tensor-data';
import { bagOfIds } from '../../core/text/bag-of-ids';
import { MAX_TEXT_CHARS } from '../../core/text/limits';
import { Vocabulary } from '../../core/text/vocabulary';
import { inputBatch } from '../../core/inputs/input-batch';
import { loadBackbone, readBackbone } from '../../trainer/backbones/load-backbone';
import { builtVocabulary } from '../helpers/built-vocabulary';
import { buildTextGloveSif, TEXT_GLOVE_SIF, VOCABULARY_SIZE } from '../../trainer/backbones/text-glove-sif';

function tensorFloats(model: ReturnType<typeof decodeModel>, name: string): Float32Array {
  return readTensorData(model.graph!.initializer!.find((i) => i.name === name)!) as Float32Array;
}

/** The embedding written out in plain TypeScript, in float64, from the same tables. */
function referenceEmbedding(text: string, vocabulary: Vocabulary, vectors: Float32Array, weights: Float32Array, dim: number): number[] {
  const { ids, counts } = bagOfIds(text, vocabulary);
  const sum = new Array<number>(dim).fill(0);
  let total = 0;
  ids.forEach((id, i) => {
    const w = weights[id]! * counts[i]!;
    total += w;
    for (let d = 0; d < dim; d++) sum[d]! += w * vectors[id * dim + d]!;
  });
  const mean = sum.map((v) => v / Math.max(total, 1e-12));
  const norm = Math.hypot(...mean);
  return mean.map((v) => v / Math.max(norm, 1e-12));
}

const long = Array.from({ length: 30_000 }, (_, i) => ['market', 'free', 'money', 'meeting', 'the', 'é', '7'][i % 7]).join(' ').slice(0, MAX_TEXT_CHARS);

const TEXTS = [
  '',
  '?!... --- ***',
  'Win a FREE cruise!!! Click now',
  'Le réunion est demain à 10h, merci de confirmer.',
  'Встреча завтра в десять',
  '東京で会議があります',
  'great news 🎉🎉 you won 🙂',
  '0123 456 7890 2002 1999',
  'the the the the of of and',
  long,
];

describe('text-glove-sif backbone', () => {
  let scratch: string;
  beforeAll(async () => {
    scratch = await mkdtemp(path.join(tmpdir(), 'graft-backbone-'));
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('matches a plain TypeScript computation of the same embedding to 1e-5', async () => {
    expect(long.length).toBe(MAX_TEXT_CHARS);
    const backbone = await readBackbone(TEXT_GLOVE_SIF);
    const model = decodeModel(backbone.model);
    const vectors = tensorFloats(model, 'word_vectors');
    const weights = tensorFloats(model, 'sif_weights');
    const vocabulary = Vocabulary.parse(builtVocabulary(backbone));
    expect(vocabulary.size).toBe(VOCABULARY_SIZE);
    const dim = backbone.manifest.output.dim;
    const { embedder, release } = await loadBackbone(backbone);
    const embeddings = await embedder.embed(inputBatch('text', TEXTS));
    await release();
    TEXTS.forEach((text, row) => {
      const expected = referenceEmbedding(text, vocabulary, vectors, weights, dim);
      const actual = Array.from(embeddings.subarray(row * dim, (row + 1) * dim));
      const gap = Math.max(...actual.map((v, d) => Math.abs(v - expected[d]!)));
      expect(gap, `text #${row}`).toBeLessThan(1e-5);
    });
    // No known word → the zero vector, not NaN.
    expect(Array.from(embeddings.subarray(0, dim)).every((v) => v === 0)).toBe(true);
  });

  it('rebuilds byte-identical files', async () => {
    const built = await readBackbone(TEXT_GLOVE_SIF);
    const again = path.join(scratch, 'rebuilt');
    const manifest = await buildTextGloveSif(again);
    expect(manifest.sha256).toBe(built.manifest.sha256);
    for (const file of ['model.onnx', 'vocab.txt', 'manifest.json']) {
      expect(Buffer.compare(await readFile(path.join(again, file)), await readFile(path.join(built.dir, file))), file).toBe(0);
    }
  });
});
