import { z } from 'zod';
import { MAX_LABELS } from '../text/limits';
import { Sha256, Slug } from './common';
import { FeatureBlock } from './feature-block';
import { Metrics } from './metrics';

export const ADAPTER_FORMAT = 'graft.adapter/v1';
export const ADAPTER_INPUT = 'features';
export const ADAPTER_OUTPUT = 'probs';

export const HeadKind = z.enum(['linear', 'mlp', 'hybrid']);
export type HeadKind = z.infer<typeof HeadKind>;

export const AdapterManifest = z
  .object({
    format: z.literal(ADAPTER_FORMAT),
    name: Slug,
    task: z.enum(['multiclass', 'multilabel']),
    labels: z.array(z.string().min(1).max(200)).min(1).max(MAX_LABELS),
    features: z.array(FeatureBlock).min(1).max(4),
    output: z.literal(ADAPTER_OUTPUT),
    threshold: z.number().gt(0).lt(1).optional(),
    temperature: z.number().positive().optional(),
    model: z.object({ sha256: Sha256, bytes: z.number().int().positive() }).optional(),
    metrics: Metrics.partial().passthrough().default({}),
    training: z.record(z.string(), z.unknown()).default({}),
  })
  .superRefine((manifest, ctx) => {
    if (new Set(manifest.labels).size !== manifest.labels.length) {
      ctx.addIssue({ code: 'custom', path: ['labels'], message: 'labels must be distinct' });
    }
    if (manifest.task === 'multiclass' && manifest.labels.length < 2) {
      ctx.addIssue({ code: 'custom', path: ['labels'], message: 'a multiclass adapter needs at least two labels' });
    }
  });
export type AdapterManifest = z.infer<typeof AdapterManifest>;

/** Width of the head's input: the feature blocks concatenated in manifest order. */
export function featureWidth(manifest: Pick<AdapterManifest, 'features'>): number {
  return manifest.features.reduce((sum, block) => sum + block.dim, 0);
}
