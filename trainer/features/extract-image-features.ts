import type { ImageEmbedder } from '../../core/features/image-embedder';
import { ImageError } from '../../core/image/image-error';
import { Progress } from '../cli/progress';
import { UsageError } from '../cli/usage-error';
import type { ImageExample } from '../data/image-dataset';
import { cached } from './extract-features';

// Small batches: each image is decoded at full size before it shrinks to 224 × 224.
const BATCH = 16;

/**
 * Backbone embeddings of every image through core/image (the edge's exact preprocessing), in
 * batches with a progress bar, cached on disk by (backbone sha256, dataset sha256).
 */
export async function extractImageFeatures(embedder: ImageEmbedder, examples: readonly ImageExample[], datasetSha256: string, quiet = false): Promise<Float32Array> {
  const { sha256, output, id } = embedder.manifest;
  return cached(`${sha256}-images-${datasetSha256}`, examples.length, output.dim, async () => {
    const out = new Float32Array(examples.length * output.dim);
    const progress = new Progress(`features (${id})`, examples.length, quiet);
    for (let start = 0; start < examples.length; start += BATCH) {
      const batch = examples.slice(start, start + BATCH);
      try {
        out.set(await embedder.embed(batch.map((e) => e.bytes)), start * output.dim);
      } catch (error) {
        if (!(error instanceof ImageError)) throw error;
        // Find which file it was: decode one at a time only on failure.
        for (const e of batch) {
          await embedder.embed([e.bytes]).catch((inner: unknown) => {
            if (inner instanceof ImageError) throw new UsageError(`${e.where}: ${inner.message}`, 'fix or remove that image');
            throw inner;
          });
        }
        throw error;
      }
      progress.update(start + batch.length);
    }
    return out;
  });
}
