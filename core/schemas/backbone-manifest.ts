import { z } from 'zod';
import { routineOf } from '../backbones/routines';
import { MODALITIES } from '../inputs/input-batch';
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

/**
 * Which `core/` routine turns raw input into the backbone's input tensors, and its settings. Each
 * routine (core/backbones/routines.ts) owns the schema of the rest; the manifest keeps it as sent.
 */
export const Preprocess = z.object({ routine: z.string().min(1) }).loose();

export const BackboneManifest = z
  .object({
    id: BackboneId,
    version: z.string().min(1),
    modality: z.enum(MODALITIES),
    sha256: Sha256,
    bytes: z.number().int().positive(),
    file: z.string().default('model.onnx'),
    inputs: z.array(TensorSpec).min(1),
    output: z.object({ name: z.literal('embedding'), dim: z.number().int().positive() }),
    preprocess: Preprocess,
    assets: z.array(Asset),
    source: z.record(z.string(), z.unknown()).default({}),
  })
  .superRefine((manifest, ctx) => {
    let resolved;
    try {
      resolved = routineOf(manifest);
    } catch (error) {
      ctx.addIssue({ code: 'custom', path: ['preprocess'], message: error instanceof Error ? error.message : String(error) });
      return;
    }
    // Assets the routine reads are checked when it loads (load-embedder): a manifest may be
    // described before its files exist.
    const { routine } = resolved;
    if (routine.modality !== manifest.modality) {
      ctx.addIssue({ code: 'custom', path: ['modality'], message: `routine ${routine.routine} reads ${routine.modality} inputs, not ${manifest.modality}` });
    }
  });
export type BackboneManifest = z.infer<typeof BackboneManifest>;
export type TensorSpec = z.infer<typeof TensorSpec>;
