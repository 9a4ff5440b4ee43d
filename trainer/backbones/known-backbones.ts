import type { BackboneManifest } from '../../core/schemas/backbone-manifest';
import { buildImageMobileNetV2, IMAGE_MOBILENETV2 } from './image-mobilenet-v2';
import { buildTextGloveSif, TEXT_GLOVE_SIF } from './text-glove-sif';

/** Backbones `graft backbones build` knows how to make, by id. */
export const BACKBONE_BUILDERS: Record<string, (outDir: string) => Promise<BackboneManifest>> = {
  [TEXT_GLOVE_SIF]: buildTextGloveSif,
  [IMAGE_MOBILENETV2]: buildImageMobileNetV2,
};

export const KNOWN_BACKBONES = Object.keys(BACKBONE_BUILDERS);

/** What each backbone embeds, known before it is built or loaded (train picks its data loader by it). */
export const BACKBONE_MODALITY: Record<string, 'text' | 'image'> = {
  [TEXT_GLOVE_SIF]: 'text',
  [IMAGE_MOBILENETV2]: 'image',
};
export const DEFAULT_BACKBONE = TEXT_GLOVE_SIF;
