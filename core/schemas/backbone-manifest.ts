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

const Channels3 = z.tuple([z.number(), z.number(), z.number()]);

/** How 8-bit RGB becomes the backbone's floats: linearly onto [min, max], or (v/255 − mean) / std. */
export const ImageNormalize = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('range'), min: z.number(), max: z.number() }),
  z.object({ kind: z.literal('mean-std'), mean: Channels3, std: Channels3.refine((s) => s.every((v) => v > 0), 'std must be positive') }),
]);

/**
 * `core/image` turns JPEG/PNG bytes into one float32 [height, width, 3] (NHWC) row: decode, EXIF
 * orientation, alpha over white, `box-bilinear` resize stretched to size, normalize.
 */
export const ImagePreprocess = z.object({
  routine: z.literal('image-rgb/v1'),
  layout: z.literal('nhwc'),
  width: z.number().int().positive().max(4096),
  height: z.number().int().positive().max(4096),
  resize: z.literal('box-bilinear'),
  fit: z.literal('stretch'),
  normalize: ImageNormalize,
  max_bytes: z.number().int().positive(),
  max_pixels: z.number().int().positive(),
  max_side: z.number().int().positive(),
});

export const Preprocess = z.discriminatedUnion('routine', [TextPreprocess, ImagePreprocess]);

export const BackboneManifest = z.object({
  id: BackboneId,
  version: z.string().min(1),
  modality: z.enum(['text', 'image']),
  sha256: Sha256,
  bytes: z.number().int().positive(),
  file: z.string().default('model.onnx'),
  inputs: z.array(TensorSpec).min(1),
  output: z.object({ name: z.literal('embedding'), dim: z.number().int().positive() }),
  preprocess: Preprocess,
  assets: z.array(Asset),
  source: z.record(z.string(), z.unknown()).default({}),
});
export type BackboneManifest = z.infer<typeof BackboneManifest>;
export type TextPreprocess = z.infer<typeof TextPreprocess>;
export type ImagePreprocess = z.infer<typeof ImagePreprocess>;
export type ImageNormalize = z.infer<typeof ImageNormalize>;
