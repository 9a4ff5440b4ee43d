import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Embedder } from '../../core/backbones/backbone-routine';
import { assembleFeatures, type Embedders } from '../../core/features/assemble-features';
import { inputBatch } from '../../core/inputs/input-batch';
import { sha256Hex } from '../../core/hash/sha256';
import type { FeatureBlock } from '../../core/schemas/feature-block';
import { Progress } from '../cli/progress';
import { graftHome } from '../paths';

const BATCH = 256;

export async function cached(key: string, rows: number, dim: number, compute: () => Promise<Float32Array>): Promise<Float32Array> {
  const file = path.join(graftHome(), 'cache', 'features', `${key}.f32`);
  try {
    const bytes = await readFile(file);
    if (bytes.byteLength === rows * dim * 4) return new Float32Array(bytes.buffer, bytes.byteOffset, rows * dim).slice();
  } catch {
    // Not cached yet.
  }
  const features = await compute();
  await mkdir(path.dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.tmp`;
  await writeFile(partial, new Uint8Array(features.buffer, features.byteOffset, features.byteLength));
  await rename(partial, file);
  return features;
}

/**
 * Backbone embeddings of `texts`, in batches with a progress bar, cached on disk by
 * (backbone sha256, texts hash) so re-training on the same data skips the backbone.
 */
export async function embedTexts(embedder: Embedder, texts: readonly string[], quiet = false): Promise<Float32Array> {
  const { sha256, output } = embedder.manifest;
  const textsHash = await sha256Hex(texts.join('\u0000') + `\u0000${texts.length}`);
  return cached(`${sha256}-${textsHash}`, texts.length, output.dim, async () => {
    const out = new Float32Array(texts.length * output.dim);
    const progress = new Progress(`features (${embedder.manifest.id})`, texts.length, quiet);
    for (let start = 0; start < texts.length; start += BATCH) {
      const batch = texts.slice(start, start + BATCH);
      out.set(await embedder.embed(inputBatch('text', batch)), start * output.dim);
      progress.update(start + batch.length);
    }
    return out;
  });
}

/** The head's input for every text: the manifest's feature blocks, as the edge computes them. */
export async function extractFeatures(
  blocks: readonly FeatureBlock[],
  texts: readonly string[],
  embedders: Embedders,
  quiet = false,
): Promise<Float32Array> {
  const batch = inputBatch('text', texts);
  // Backbone blocks come from the on-disk cache (or batched, with progress), under their memo keys.
  for (const [id, embedder] of embedders) batch.memo.set(id, embedTexts(embedder, texts, quiet));
  return assembleFeatures(blocks, batch, embedders);
}
