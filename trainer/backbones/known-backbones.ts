import type { BackboneManifest } from '../../core/schemas/backbone-manifest';
import { buildImageMobileNetV2, IMAGE_MOBILENETV2 } from './image-mobilenet-v2';
import { buildTextGloveSif, TEXT_GLOVE_SIF } from './text-glove-sif';

/**
 * Backbones `graft backbones build` knows how to make, by id. What each embeds is in the manifest
 * it builds (and the routine that manifest names), not here.
 */
export const BACKBONE_BUILDERS: Record<string, (outDir: string) => Promise<BackboneManifest>> = {
  [TEXT_GLOVE_SIF]: buildTextGloveSif,
  [IMAGE_MOBILENETV2]: buildImageMobileNetV2,
};

export const KNOWN_BACKBONES = Object.keys(BACKBONE_BUILDERS);

export const DEFAULT_BACKBONE = TEXT_GLOVE_SIF;
