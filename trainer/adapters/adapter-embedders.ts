import type { ImageEmbedder } from '../../core/features/image-embedder';
import type { TextEmbedder } from '../../core/features/text-embedder';
import { builtInModality, isBackboneFeature, type BackboneFeature } from '../../core/schemas/feature-block';
import type { AdapterManifest } from '../../core/schemas/adapter-manifest';
import { UsageError } from '../cli/usage-error';
import { BACKBONE_MODALITY } from '../backbones/known-backbones';
import { loadTextEmbedder } from '../backbones/load-backbone';
import { loadImageEmbedder } from '../backbones/load-image-embedder';

/** What an adapter reads: texts or images, from its feature blocks. */
export function adapterModality(manifest: AdapterManifest): 'text' | 'image' {
  const kinds = new Set(manifest.features.map((block) => (isBackboneFeature(block) ? BACKBONE_MODALITY[block.source] : builtInModality(block))));
  if (kinds.has(undefined)) {
    const unknown = manifest.features.find((block) => isBackboneFeature(block) && !BACKBONE_MODALITY[block.source])!;
    throw new UsageError(`adapter ${manifest.name} reads backbone "${unknown.source}", which this trainer does not know`, `use one of: ${Object.keys(BACKBONE_MODALITY).join(', ')}`);
  }
  if (kinds.size > 1) throw new UsageError(`adapter ${manifest.name} mixes text and image feature blocks`, 'retrain it with graft train');
  return kinds.has('image') ? 'image' : 'text';
}

/** A loaded backbone must be the very bytes the adapter pinned. */
function checkPin(manifest: AdapterManifest, block: BackboneFeature, sha256: string): void {
  if (sha256 !== block.sha256) {
    throw new UsageError(
      `adapter ${manifest.name} was trained on ${block.source} ${block.sha256.slice(0, 12)}…, the local one is ${sha256.slice(0, 12)}…`,
      'retrain the adapter on this backbone, or rebuild the backbone it was trained on',
    );
  }
}

/** Loads every backbone a text adapter's manifest names, refusing one whose bytes differ from the pin. */
export async function adapterEmbedders(manifest: AdapterManifest): Promise<Map<string, TextEmbedder>> {
  const embedders = new Map<string, TextEmbedder>();
  for (const block of manifest.features.filter(isBackboneFeature)) {
    const { embedder } = await loadTextEmbedder(block.source);
    checkPin(manifest, block, embedder.manifest.sha256);
    embedders.set(block.source, embedder);
  }
  return embedders;
}

/** The image backbones an image adapter's manifest names, pin-checked; `release` frees their sessions. */
export async function adapterImageEmbedders(manifest: AdapterManifest): Promise<{ embedders: Map<string, ImageEmbedder>; release: () => Promise<void> }> {
  const embedders = new Map<string, ImageEmbedder>();
  const releases: (() => Promise<void>)[] = [];
  const release = async () => {
    for (const r of releases) await r();
  };
  try {
    for (const block of manifest.features.filter(isBackboneFeature)) {
      const loaded = await loadImageEmbedder(block.source);
      releases.push(loaded.release);
      checkPin(manifest, block, loaded.embedder.manifest.sha256);
      embedders.set(block.source, loaded.embedder);
    }
  } catch (error) {
    await release();
    throw error;
  }
  return { embedders, release };
}
