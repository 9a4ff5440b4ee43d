import { z } from 'zod';
import { BackboneId, Sha256 } from './common';

/** Features from a frozen backbone, pinned to its exact ONNX bytes. */
export const BackboneFeature = z.object({
  source: BackboneId.refine((id) => id !== 'hashed-ngrams', 'reserved feature source'),
  sha256: Sha256,
  dim: z.number().int().positive().max(8192),
});

/** Lexical features computed by `core/text/hashed-ngrams` on both sides. */
export const HashedNgramsFeature = z.object({
  source: z.literal('hashed-ngrams'),
  dim: z.number().int().positive().max(1 << 18),
  ngrams: z.array(z.number().int().min(1).max(3)).min(1).max(3),
});

export const FeatureBlock = z.union([HashedNgramsFeature, BackboneFeature]);
export type FeatureBlock = z.infer<typeof FeatureBlock>;
export type BackboneFeature = z.infer<typeof BackboneFeature>;
export type HashedNgramsFeature = z.infer<typeof HashedNgramsFeature>;

export function isBackboneFeature(block: FeatureBlock): block is BackboneFeature {
  return block.source !== 'hashed-ngrams';
}
