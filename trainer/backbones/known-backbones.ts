import type { BackboneManifest } from '../../core/schemas/backbone-manifest';
import { buildTextGloveSif, TEXT_GLOVE_SIF } from './text-glove-sif';

/** Backbones `graft backbones build` knows how to make, by id. */
export const BACKBONE_BUILDERS: Record<string, (outDir: string) => Promise<BackboneManifest>> = {
  [TEXT_GLOVE_SIF]: buildTextGloveSif,
};

export const KNOWN_BACKBONES = Object.keys(BACKBONE_BUILDERS);
export const DEFAULT_BACKBONE = TEXT_GLOVE_SIF;
