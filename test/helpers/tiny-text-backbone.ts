/**
 * A small real text backbone for worker tests: the same `text-bag-of-ids/v1` graph as
 * text-glove-sif, over a few hundred words with seeded random vectors, so tests need neither the
 * 16 MB GloVe build nor the network.
 */
import { sha256Hex } from '../../core/hash/sha256';
import type { BackboneManifest } from '../../core/schemas/backbone-manifest';
import { backboneObjects, type StorageObject } from '../../core/storage/backbone-objects';
import { MAX_DISTINCT_TOKENS, MAX_TEXT_CHARS } from '../../core/text/limits';
import { textBackboneModel } from '../../trainer/backbones/text-backbone-graph';
import { seededFloats } from './onnx-fixtures';

export const TINY_BACKBONE_ID = 'tiny-text';
export const TINY_DIM = 16;

const MEANINGFUL = (
  'free money win prize click offer cash urgent winner claim bonus credit loan cheap viagra deal ' +
  'meeting lunch project report team schedule tomorrow review thanks agenda notes code release ' +
  'the a of to and in is it you that he was for on are with as his they be at one have this from'
).split(' ');

export interface TinyBackbone {
  manifest: BackboneManifest;
  model: Uint8Array;
  vocab: string;
  objects: StorageObject[];
}

/** Deterministic: equal `seed` gives equal bytes and sha256. */
export async function tinyTextBackbone(seed = 1, words = 300): Promise<TinyBackbone> {
  const vocabulary = [...MEANINGFUL];
  for (let i = vocabulary.length; i < words; i++) vocabulary.push(`w${i}`);
  const rows = vocabulary.length + 1;
  const vectors = seededFloats(rows * TINY_DIM, seed);
  vectors.fill(0, 0, TINY_DIM);
  const weights = new Float32Array(rows);
  // SIF-like: rarer words (higher rank) weigh more; row 0 (padding/unknown) weighs nothing.
  for (let r = 1; r < rows; r++) weights[r] = 1e-3 / (1e-3 + 1 / (r * Math.log(rows + 1)));
  const model = textBackboneModel(vectors, weights, TINY_DIM, { 'graft.backbone': TINY_BACKBONE_ID });
  const vocab = vocabulary.join('\n') + '\n';
  const manifest: BackboneManifest = {
    id: TINY_BACKBONE_ID,
    version: `test-${seed}`,
    modality: 'text',
    sha256: await sha256Hex(model),
    bytes: model.length,
    file: 'model.onnx',
    inputs: [
      { name: 'ids', dtype: 'int32', shape: ['N', 'L'] },
      { name: 'counts', dtype: 'float32', shape: ['N', 'L'] },
    ],
    output: { name: 'embedding', dim: TINY_DIM },
    preprocess: { routine: 'text-bag-of-ids/v1', vocabulary: 'vocab.txt', max_distinct_tokens: MAX_DISTINCT_TOKENS, max_chars: MAX_TEXT_CHARS },
    assets: [{ path: 'vocab.txt', sha256: await sha256Hex(vocab), bytes: new TextEncoder().encode(vocab).length }],
    source: { description: 'seeded random vectors for tests', seed },
  };
  return { manifest, model, vocab, objects: backboneObjects(manifest, model, { 'vocab.txt': vocab }) };
}
