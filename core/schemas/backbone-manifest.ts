import { z } from 'zod';
import { BackboneId, Sha256 } from './common';

export const TensorSpec = z.object({
  name: z.string().min(1),
  dtype: z.enum(['float32', 'int32', 'int64', 'uint8']),
  shape: z.array(z.union([z.number().int().nonnegative(), z.string().min(1)])),
});

export const Asset = z.object({
  path: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/),
  sha256: Sha256,
  bytes: z.number().int().nonnegative(),
});

/** Which `core/` routine turns raw input into the backbone's input tensors. */
export const TextPreprocess = z.object({
  routine: z.literal('text-bag-of-ids/v1'),
  vocabulary: z.string().min(1),
  max_distinct_tokens: z.number().int().positive(),
  max_chars: z.number().int().positive(),
});

export const BackboneManifest = z.object({
  id: BackboneId,
  version: z.string().min(1),
  modality: z.enum(['text', 'image']),
  sha256: Sha256,
  bytes: z.number().int().positive(),
  file: z.string().default('model.onnx'),
  inputs: z.array(TensorSpec).min(1),
  output: z.object({ name: z.literal('embedding'), dim: z.number().int().positive() }),
  preprocess: TextPreprocess,
  assets: z.array(Asset),
  source: z.record(z.string(), z.unknown()).default({}),
});
export type BackboneManifest = z.infer<typeof BackboneManifest>;
