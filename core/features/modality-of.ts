import type { Modality } from '../inputs/input-batch';
import { builtInModality, isBackboneFeature, type FeatureBlock } from '../schemas/feature-block';
import { BackboneMismatchError } from './assemble-features';

/** Blocks that read different kinds of input: no one request could feed them all. */
export class MixedModalityError extends Error {
  constructor(readonly sources: ReadonlyMap<Modality, readonly string[]>) {
    const parts = [...sources].map(([modality, names]) => `${modality} (${names.join(', ')})`);
    super(`feature blocks mix ${parts.slice(0, -1).join(', ')} and ${parts.at(-1)} inputs; an adapter reads one kind of input`);
    this.name = 'MixedModalityError';
  }
}

/**
 * What an adapter reads, from its feature blocks: a backbone block reads what its backbone's
 * manifest says, a built-in block what its kind reads. Throws BackboneMismatchError (actual
 * undefined) for a backbone not in `backbones`, MixedModalityError for blocks of several kinds.
 */
export function modalityOf(blocks: readonly FeatureBlock[], backbones: ReadonlyMap<string, { modality: Modality }>): Modality {
  const sources = new Map<Modality, string[]>();
  for (const block of blocks) {
    let modality: Modality | undefined;
    if (isBackboneFeature(block)) {
      modality = backbones.get(block.source)?.modality;
      if (modality === undefined) throw new BackboneMismatchError(block.source, block.sha256, undefined);
    } else modality = builtInModality(block);
    sources.set(modality, [...(sources.get(modality) ?? []), block.source]);
  }
  if (sources.size > 1) throw new MixedModalityError(sources);
  const [modality] = sources.keys();
  if (modality === undefined) throw new RangeError('an adapter reads at least one feature block');
  return modality;
}
