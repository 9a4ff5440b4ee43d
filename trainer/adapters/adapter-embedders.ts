import type { TextEmbedder } from '../../core/features/text-embedder';
import { isBackboneFeature } from '../../core/schemas/feature-block';
import type { AdapterManifest } from '../../core/schemas/adapter-manifest';
import { UsageError } from '../cli/usage-error';
import { loadTextEmbedder } from '../backbones/load-backbone';

/** Loads every backbone an adapter's manifest names, refusing one whose bytes differ from the pin. */
export async function adapterEmbedders(manifest: AdapterManifest): Promise<Map<string, TextEmbedder>> {
  const embedders = new Map<string, TextEmbedder>();
  for (const block of manifest.features.filter(isBackboneFeature)) {
    const { embedder } = await loadTextEmbedder(block.source);
    if (embedder.manifest.sha256 !== block.sha256) {
      throw new UsageError(
        `adapter ${manifest.name} was trained on ${block.source} ${block.sha256.slice(0, 12)}…, the local one is ${embedder.manifest.sha256.slice(0, 12)}…`,
        'retrain the adapter on this backbone, or rebuild the backbone it was trained on',
      );
    }
    embedders.set(block.source, embedder);
  }
  return embedders;
}
