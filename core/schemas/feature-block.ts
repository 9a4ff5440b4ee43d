import { z } from 'zod';
import type { Modality } from '../inputs/input-batch';
import { BackboneId, Sha256 } from './common';

/** Feature sources computed by `core/` routines rather than a backbone: no backbone may take these ids. */
const BUILT_IN_SOURCES = new Set(['hashed-ngrams', 'pixels']);

/** Features from a frozen backbone, pinned to its exact ONNX bytes. */
export const BackboneFeature = z.object({
  source: BackboneId.refine((id) => !BUILT_IN_SOURCES.has(id), 'reserved feature source'),
  sha256: Sha256,
  dim: z.number().int().positive().max(8192),
});

/** Lexical features computed by `core/text/hashed-ngrams` on both sides. */
export const HashedNgramsFeature = z.object({
  source: z.literal('hashed-ngrams'),
  dim: z.number().int().positive().max(1 << 18),
  ngrams: z.array(z.number().int().min(1).max(3)).min(1).max(3),
});

/**
 * Raw pixels computed by `core/image/pixel-features` on both sides: the decoded, upright image
 * stretched to side × side, grey (one value per pixel) or RGB, in [0, 1], row-major. Any
 * per-tenant standardisation is folded into the head's weights, so the block itself is fixed.
 */
export const PixelsFeature = z
  .object({
    source: z.literal('pixels'),
    dim: z.number().int().positive(),
    side: z.number().int().min(4).max(64),
    channels: z.union([z.literal(1), z.literal(3)]),
  })
  .refine((block) => block.dim === block.side * block.side * block.channels, { path: ['dim'], message: 'must equal side × side × channels' });

export const FeatureBlock = z.union([HashedNgramsFeature, PixelsFeature, BackboneFeature]);
export type FeatureBlock = z.infer<typeof FeatureBlock>;
export type BackboneFeature = z.infer<typeof BackboneFeature>;
export type HashedNgramsFeature = z.infer<typeof HashedNgramsFeature>;
export type PixelsFeature = z.infer<typeof PixelsFeature>;

export function isBackboneFeature(block: FeatureBlock): block is BackboneFeature {
  return !BUILT_IN_SOURCES.has(block.source);
}

/** What a built-in block reads; a backbone block reads what its backbone's manifest says. */
export function builtInModality(block: HashedNgramsFeature | PixelsFeature): Modality {
  return block.source === 'pixels' ? 'image' : 'text';
}
