import { ModalityMismatchError, once, pinnedBackbone, type EmbeddingCache } from '../../core/features/assemble-features';
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
      const backbone = pinnedBackbone(block, backbones);
      if (backbone.modality === 'image') throw new ModalityMismatchError(block.source, 'image');
      const embedding = once(shared.embeddings, block.source, () => (backbone.embedTokens ? backbone.embedTokens(tokensOf(shared)) : backbone.embed(shared.texts)));
      out.push({ dim: block.dim, dense: await embedding });
    } else if (block.source === 'pixels') {
      throw new ModalityMismatchError(block.source, 'image');
    } else {
      const sparse = once(shared.ngrams, `${block.dim}/${block.ngrams.join(',')}`, () => tokensOf(shared).map((tokens) => hashedNgramsSparseFromTokens(tokens, block)));
      out.push({ dim: block.dim, sparse });
    }
  }
  return out;
}
