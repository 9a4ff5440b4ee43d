import { BackboneMismatchError, ModalityMismatchError, type EmbeddingCache } from '../../core/features/assemble-features';
import type { ImageEmbedder } from '../../core/features/image-embedder';
import type { TextEmbedder } from '../../core/features/text-embedder';
import type { HeadInputBlock } from '../../core/heads/dense-head';
import { isBackboneFeature, type FeatureBlock } from '../../core/schemas/feature-block';
import { hashedNgramsSparseFromTokens, type SparseVector } from '../../core/text/hashed-ngrams';
import { tokenize } from '../../core/text/tokenize';

/** What one request computes once and every head over its texts shares. */
export interface TextFeatures {
  texts: readonly string[];
  tokens?: string[][];
  embeddings: EmbeddingCache;
  ngrams: Map<string, SparseVector[]>;
}

export function textFeatures(texts: readonly string[], embeddings: EmbeddingCache): TextFeatures {
  return { texts, embeddings, ngrams: new Map() };
}

function tokensOf(shared: TextFeatures): string[][] {
  shared.tokens ??= shared.texts.map(tokenize);
  return shared.tokens;
}

/**
 * A text head's input blocks, with the very core/ routines assembleFeatures uses, but each text
 * tokenized once for all blocks and heads, and hashed n-grams left sparse (a dense-head evaluator
 * multiplies only their non-zeros).
 */
export async function headInputs(
  blocks: readonly FeatureBlock[],
  shared: TextFeatures,
  backbones: ReadonlyMap<string, TextEmbedder | ImageEmbedder>,
): Promise<HeadInputBlock[]> {
  const out: HeadInputBlock[] = [];
  for (const block of blocks) {
    if (isBackboneFeature(block)) {
      const backbone = backbones.get(block.source);
      if (!backbone || backbone.manifest.sha256 !== block.sha256 || backbone.manifest.output.dim !== block.dim) {
        throw new BackboneMismatchError(block.source, block.sha256, backbone?.manifest.sha256);
      }
      if (backbone.modality === 'image') throw new ModalityMismatchError(block.source, 'image');
      let pending = shared.embeddings.get(block.source);
      if (!pending) {
        pending = backbone.embedTokens ? backbone.embedTokens(tokensOf(shared)) : backbone.embed(shared.texts);
        shared.embeddings.set(block.source, pending);
      }
      out.push({ dim: block.dim, dense: await pending });
    } else if (block.source === 'pixels') {
      throw new ModalityMismatchError(block.source, 'image');
    } else {
      const key = `${block.dim}/${block.ngrams.join(',')}`;
      let sparse = shared.ngrams.get(key);
      if (!sparse) {
        sparse = tokensOf(shared).map((tokens) => hashedNgramsSparseFromTokens(tokens, block));
        shared.ngrams.set(key, sparse);
      }
      out.push({ dim: block.dim, sparse });
    }
  }
  return out;
}
