import { builtInModality, isBackboneFeature, type FeatureBlock } from '../../core/schemas/feature-block';
import { Problem } from '../problems';
import type { Catalog } from '../serving/backbone-catalog';

/**
 * A head reads either texts or images: blocks of both kinds could never be computed for one
 * request, so such an upload is refused rather than stored. Backbone blocks were already checked
 * against the catalog, which says what each backbone embeds.
 */
export function checkModality(blocks: readonly FeatureBlock[], catalog: Catalog): void {
  const first = new Map<'text' | 'image', string>();
  for (const block of blocks) {
    const modality = isBackboneFeature(block) ? catalog.get(block.source)!.modality : builtInModality(block);
    if (!first.has(modality)) first.set(modality, block.source);
  }
  if (first.size > 1) {
    const text = first.get('text')!;
    const image = first.get('image')!;
    throw new Problem('invalid_manifest', `feature blocks mix text (${text}) and image (${image}) inputs; an adapter reads one kind of input`, { text, image });
  }
}
