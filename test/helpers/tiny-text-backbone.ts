/**
 * A small real text backbone for worker tests: the same `text-bag-of-ids/v1` graph as
 * text-glove-sif, over a few hundred words with seeded random vectors, so tests need neither the
 * 16 MB GloVe build nor the network.
 */
import type { BackboneManifest } from '../../core/schemas/backbone-manifest';
import { backboneObjects, type StorageObject } from '../../core/storage/backbone-objects';
import { textBackboneArtifacts } from '../../trainer/backbones/text-backbone-artifacts';
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
  const { model, vocabulary: vocab, manifest } = await textBackboneArtifacts({
    id: TINY_BACKBONE_ID,
    version: `test-${seed}`,
    words: vocabulary,
    vectors,
    weights,
    dim: TINY_DIM,
    source: { description: 'seeded random vectors for tests', seed },
  });
  return { manifest, model, vocab, objects: backboneObjects(manifest, model, { 'vocab.txt': vocab }) };
}
