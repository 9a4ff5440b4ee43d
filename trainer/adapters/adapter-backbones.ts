import type { Embedder } from '../../core/backbones/backbone-routine';
import { MixedModalityError, modalityOf } from '../../core/features/modality-of';
import type { Modality } from '../../core/inputs/input-batch';
import type { AdapterManifest } from '../../core/schemas/adapter-manifest';
import { isBackboneFeature, type BackboneFeature } from '../../core/schemas/feature-block';
import { UsageError } from '../cli/usage-error';
import { loadBackbone, readBackbone } from '../backbones/load-backbone';

/** A loaded backbone must be the very bytes the adapter pinned. */
function checkPin(manifest: AdapterManifest, block: BackboneFeature, sha256: string): void {
  if (sha256 !== block.sha256) {
    throw new UsageError(
      `adapter ${manifest.name} was trained on ${block.source} ${block.sha256.slice(0, 12)}…, the local one is ${sha256.slice(0, 12)}…`,
      'retrain the adapter on this backbone, or rebuild the backbone it was trained on',
    );
  }
}

/** An adapter's backbones, loaded and pin-checked, and what the adapter reads; `release` frees their sessions. */
export interface AdapterBackbones {
  modality: Modality;
  embedders: Map<string, Embedder>;
  release(): Promise<void>;
}

/** Loads every backbone an adapter's manifest names, whatever their modality, refusing bytes other than the pinned ones. */
export async function adapterBackbones(manifest: AdapterManifest): Promise<AdapterBackbones> {
  const embedders = new Map<string, Embedder>();
  const releases: (() => Promise<void>)[] = [];
  const release = async () => {
    for (const r of releases) await r();
  };
  try {
    for (const block of manifest.features.filter(isBackboneFeature)) {
      if (embedders.has(block.source)) continue;
      const loaded = await loadBackbone(await readBackbone(block.source));
      releases.push(loaded.release);
      checkPin(manifest, block, loaded.embedder.manifest.sha256);
      embedders.set(block.source, loaded.embedder);
    }
    const manifests = new Map([...embedders].map(([id, e]) => [id, e.manifest]));
    return { modality: modalityOf(manifest.features, manifests), embedders, release };
  } catch (error) {
    await release();
    if (error instanceof MixedModalityError) throw new UsageError(`adapter ${manifest.name}: ${error.message}`, 'retrain it with graft train');
    throw error;
  }
}
