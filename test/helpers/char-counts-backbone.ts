/**
 * A backbone kind that exists only in the tests, added the way any new kind is: one routine
 * (how texts become its input tensor), one registry line (`registerRoutine`), and a builder of its
 * ONNX model and manifest. `test-char-counts/v1` counts each letter of an alphabet in a text; the
 * graph maps the counts through a seeded matrix to a tanh embedding.
 */
import { z } from 'zod';
import { RoutineError, type BackboneRoutine } from '../../core/backbones/backbone-routine';
import { registerRoutine, routineNames } from '../../core/backbones/routines';
import { sha256Hex } from '../../core/hash/sha256';
import { itemsOf } from '../../core/inputs/input-batch';
import { encodeModel } from '../../core/onnx/encode-model';
import { GraphBuilder } from '../../core/onnx/graph-builder';
import type { BackboneManifest } from '../../core/schemas/backbone-manifest';
import { backboneObjects, type StorageObject } from '../../core/storage/backbone-objects';
import { seededFloats } from './onnx-fixtures';

export const CHAR_COUNTS_ID = 'char-counts';
export const CHAR_COUNTS_DIM = 8;

const CharCountsPreprocess = z.object({ routine: z.literal('test-char-counts/v1'), alphabet: z.string().min(1).max(64) });
type CharCountsPreprocess = z.infer<typeof CharCountsPreprocess>;

/** Each text as float32 counts of every alphabet letter (case-folded), [N, alphabet length]. */
export function charCounts(texts: readonly string[], alphabet: string): Float32Array {
  const out = new Float32Array(texts.length * alphabet.length);
  texts.forEach((text, row) => {
    for (const ch of text.toLowerCase()) {
      const at = alphabet.indexOf(ch);
      if (at >= 0) out[row * alphabet.length + at]! += 1;
    }
  });
  return out;
}

export const charCountsRoutine: BackboneRoutine<CharCountsPreprocess> = {
  routine: 'test-char-counts/v1',
  modality: 'text',
  preprocess: CharCountsPreprocess,
  assets: () => [],
  async load({ manifest, preprocess, model, runtime }) {
    const [input] = manifest.inputs;
    if (!input || manifest.inputs.length !== 1 || input.dtype !== 'float32') throw new RoutineError(manifest.id, 'takes one float32 [N, letters] input');
    const session = await runtime.session(model);
    const width = preprocess.alphabet.length;
    return {
      embedder: {
        manifest,
        embed: (batch) => {
          const texts = itemsOf(batch, 'text', manifest.id);
          return session.run({ [input.name]: { type: 'float32', data: charCounts(texts, preprocess.alphabet), dims: [texts.length, width] } }, manifest.output.name, batch);
        },
      },
      release: () => session.release(),
    };
  },
};

/** Registers the routine once per process (the test and the worker entry each call it). */
export function registerCharCounts(): void {
  if (!routineNames().includes(charCountsRoutine.routine)) registerRoutine(charCountsRoutine);
}

export interface CharCountsBackbone {
  manifest: BackboneManifest;
  model: Uint8Array;
  objects: StorageObject[];
}

/** The backbone's model and manifest, deterministic for a seed. */
export async function charCountsBackbone(alphabet = 'abcdefghijklmnopqrstuvwxyz', seed = 5): Promise<CharCountsBackbone> {
  const g = new GraphBuilder('char_counts');
  const counts = g.input('counts', 'float32', ['N', alphabet.length]);
  const weights = g.initializer('weights', seededFloats(alphabet.length * CHAR_COUNTS_DIM, seed), [alphabet.length, CHAR_COUNTS_DIM]);
  g.output(g.node('Tanh', [g.node('MatMul', [counts, weights])]), 'float32', ['N', CHAR_COUNTS_DIM], 'embedding');
  const model = encodeModel(g.toModel({ opset: 17, producer: 'graft-test' }));
  const manifest: BackboneManifest = {
    id: CHAR_COUNTS_ID,
    version: `test-${seed}`,
    modality: 'text',
    sha256: await sha256Hex(model),
    bytes: model.length,
    file: 'model.onnx',
    inputs: [{ name: 'counts', dtype: 'float32', shape: ['N', alphabet.length] }],
    output: { name: 'embedding', dim: CHAR_COUNTS_DIM },
    preprocess: { routine: 'test-char-counts/v1', alphabet },
    assets: [],
    source: { description: 'letter counts through a seeded matrix, for tests', seed },
  };
  return { manifest, model, objects: backboneObjects(manifest, model, {}) };
}
