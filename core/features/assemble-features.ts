import { isBackboneFeature, type FeatureBlock } from '../schemas/feature-block';
import { hashedNgrams } from '../text/hashed-ngrams';
import type { TextEmbedder } from './text-embedder';

/** An adapter pins a backbone by sha256; serving it on other bytes would give silent garbage. */
export class BackboneMismatchError extends Error {
  constructor(
    readonly backbone: string,
    readonly expected: string,
    readonly actual: string | undefined,
  ) {
    super(
      actual === undefined
        ? `backbone ${backbone} is not available`
        : `backbone ${backbone} has sha256 ${actual}, the adapter was trained on ${expected}`,
    );
    this.name = 'BackboneMismatchError';
  }
}

/** Embeddings already computed for a batch, per backbone id, so several heads share one pass. */
export type EmbeddingCache = Map<string, Promise<Float32Array>>;

/**
 * The head's input for a batch: every feature block the manifest declares, computed with the same
 * `core/` code the trainer used, concatenated per row in manifest order → float32 [N, sum(dims)].
 */
export async function assembleFeatures(
  blocks: readonly FeatureBlock[],
  texts: readonly string[],
  backbones: ReadonlyMap<string, TextEmbedder>,
  cache: EmbeddingCache = new Map(),
): Promise<Float32Array> {
  const width = blocks.reduce((sum, block) => sum + block.dim, 0);
  const out = new Float32Array(texts.length * width);
  let offset = 0;
  for (const block of blocks) {
    if (isBackboneFeature(block)) {
      const backbone = backbones.get(block.source);
      if (!backbone || backbone.manifest.sha256 !== block.sha256 || backbone.manifest.output.dim !== block.dim) {
        throw new BackboneMismatchError(block.source, block.sha256, backbone?.manifest.sha256);
      }
      let pending = cache.get(block.source);
      if (!pending) {
        pending = backbone.embed(texts);
        cache.set(block.source, pending);
      }
      const embedding = await pending;
      for (let row = 0; row < texts.length; row++) {
        out.set(embedding.subarray(row * block.dim, (row + 1) * block.dim), row * width + offset);
      }
    } else {
      const scratch = new Float32Array(block.dim);
      texts.forEach((text, row) => out.set(hashedNgrams(text, block, scratch), row * width + offset));
    }
    offset += block.dim;
  }
  return out;
}
