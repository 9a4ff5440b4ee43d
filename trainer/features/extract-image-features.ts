import { assembleFeatures, blockCacheKey, pixelsCacheKey, type Embedders } from '../../core/features/assemble-features';
import { ImageError } from '../../core/image/image-error';
import { inputBatch } from '../../core/inputs/input-batch';
import { isBackboneFeature, type BackboneFeature, type FeatureBlock, type PixelsFeature } from '../../core/schemas/feature-block';
import { Progress } from '../cli/progress';
import { UsageError } from '../cli/usage-error';
import type { ImageExample } from '../data/image-dataset';
import { cached } from './extract-features';

// Small batches: each image is decoded at full size before it shrinks.
const BATCH = 16;

/** Runs one batch, naming the file when an image turns out undecodable (found one at a time). */
async function batchFeatures(block: FeatureBlock, batch: readonly ImageExample[], embedders: Embedders): Promise<Float32Array> {
  try {
    return await assembleFeatures([block], inputBatch('image', batch.map((e) => e.bytes)), embedders);
  } catch (error) {
    if (!(error instanceof ImageError)) throw error;
    for (const e of batch) {
      await assembleFeatures([block], inputBatch('image', [e.bytes]), embedders).catch((inner: unknown) => {
        if (inner instanceof ImageError) throw new UsageError(`${e.where}: ${inner.message}`, 'fix or remove that image');
        throw inner;
      });
    }
    throw error;
  }
}

/**
 * One feature block (a backbone's embeddings or the pixels) of every image, through core/ exactly
 * as the edge computes it, in batches with a progress bar, cached on disk by (block, dataset).
 */
export async function imageBlockFeatures(
  block: BackboneFeature | PixelsFeature,
  examples: readonly ImageExample[],
  datasetSha256: string,
  embedders: Embedders,
  quiet = false,
): Promise<Float32Array> {
  const key = isBackboneFeature(block) ? `${block.sha256}-images-${datasetSha256}` : `${pixelsCacheKey(block).replaceAll(':', '-')}-${datasetSha256}`;
  return cached(key, examples.length, block.dim, async () => {
    const out = new Float32Array(examples.length * block.dim);
    const progress = new Progress(`features (${block.source})`, examples.length, quiet);
    for (let start = 0; start < examples.length; start += BATCH) {
      const batch = examples.slice(start, start + BATCH);
      out.set(await batchFeatures(block, batch, embedders), start * block.dim);
      progress.update(start + batch.length);
    }
    return out;
  });
}

/** The head's input for every image: the manifest's feature blocks side by side, as the edge builds it. */
export async function extractImageFeatures(
  blocks: readonly FeatureBlock[],
  examples: readonly ImageExample[],
  datasetSha256: string,
  embedders: Embedders,
  quiet = false,
): Promise<Float32Array> {
  const batch = inputBatch('image', examples.map((e) => e.bytes));
  for (const block of blocks) {
    // A text block has no image features: assembleFeatures refuses it below.
    if (!isBackboneFeature(block) && block.source === 'hashed-ngrams') continue;
    // One block after another: each has its own progress bar, and decoding is CPU-bound anyway.
    const values = await imageBlockFeatures(block, examples, datasetSha256, embedders, quiet);
    batch.memo.set(blockCacheKey(block), Promise.resolve(values));
  }
  return assembleFeatures(blocks, batch, embedders);
}
