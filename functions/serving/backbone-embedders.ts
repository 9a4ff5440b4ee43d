import type { Embedder } from '../../core/backbones/backbone-routine';
import { isBackboneFeature, type FeatureBlock } from '../../core/schemas/feature-block';
import { Problem } from '../problems';
import { backboneCatalog, type Catalog } from './backbone-catalog';
import { backboneEmbedder } from './backbone-loader';

/** Refuses blocks that name a backbone this edge lacks, or other bytes or width than it serves. */
export function checkBackbones(blocks: readonly FeatureBlock[], catalog: Catalog): void {
  for (const block of blocks) {
    if (!isBackboneFeature(block)) continue;
    const served = catalog.get(block.source);
    if (!served) throw new Problem('backbone_unknown', `this edge has no backbone ${block.source}`, { backbone: block.source });
    if (served.sha256 !== block.sha256 || served.output.dim !== block.dim) {
      throw new Problem(
        'backbone_mismatch',
        `backbone ${block.source} here is sha256 ${served.sha256} (dim ${served.output.dim}); the adapter pins ${block.sha256} (dim ${block.dim})`,
        { backbone: block.source, expected: block.sha256, actual: served.sha256 },
      );
    }
  }
}

/** The loaded backbones a manifest's feature blocks need, keyed by id, for assembleFeatures. */
export async function embeddersFor(bucket: R2Bucket, blocks: readonly FeatureBlock[]): Promise<Map<string, Embedder>> {
  const needed = blocks.filter(isBackboneFeature);
  const embedders = new Map<string, Embedder>();
  if (needed.length === 0) return embedders;
  const catalog = await backboneCatalog(bucket);
  checkBackbones(needed, catalog);
  for (const block of needed) {
    if (embedders.has(block.source)) continue;
    const manifest = catalog.get(block.source)!;
    embedders.set(block.source, await backboneEmbedder(bucket, manifest));
  }
  return embedders;
}
