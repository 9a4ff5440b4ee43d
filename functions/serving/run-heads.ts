import { featureBlocks } from '../../core/features/assemble-features';
import type { InputBatch } from '../../core/inputs/input-batch';
import { isBackboneFeature } from '../../core/schemas/feature-block';
import type { Env } from '../env';
import { limitsFor } from '../limits';
import { acquireAdapter, releaseAdapter } from './adapter-sessions';
import type { AdapterVersion } from './adapter-versions';
import { embeddersFor } from './backbone-embedders';
import { formatPredictions, type Prediction } from './format-predictions';
import { runHead, takesSparse } from './loaded-head';
import { laneFor } from './run-lock';

export interface HeadResult {
  adapter: string;
  version: number;
  backbone: { id: string; sha256: string } | null;
  predictions: Prediction[];
}

export interface HeadsRun {
  results: HeadResult[];
  features_ms: number;
  head_ms: number;
}

/**
 * Runs several heads over one batch. The batch memoises what its blocks derive (tokens,
 * embeddings, pixels, n-grams), so heads that share a backbone share one backbone pass.
 */
export async function runHeads(env: Env, versions: readonly AdapterVersion[], batch: InputBatch, topK?: number): Promise<HeadsRun> {
  const rows = batch.items.length;
  const run: HeadsRun = { results: [], features_ms: 0, head_ms: 0 };
  // Every version is the requesting tenant's: its runs (backbones and heads) take that tenant's turns.
  const lane = laneFor(batch, versions[0]!.tenant, limitsFor(env).runDeadlineMs);
  for (const v of versions) {
    const blocks = v.manifest.features;
    const embedders = await embeddersFor(env.ARTIFACTS, blocks);
    const head = await acquireAdapter(env, v);
    try {
      const t0 = performance.now();
      const inputs = await featureBlocks(blocks, batch, embedders, { sparse: takesSparse(head) });
      const t1 = performance.now();
      const { data } = await runHead(head, inputs, rows, lane);
      run.features_ms += t1 - t0;
      run.head_ms += performance.now() - t1;
      const first = blocks.find(isBackboneFeature);
      run.results.push({
        adapter: v.name,
        version: v.version,
        backbone: first ? { id: first.source, sha256: first.sha256 } : null,
        predictions: formatPredictions(v.manifest, data, rows, topK),
      });
    } finally {
      releaseAdapter(env, v, head);
    }
  }
  return run;
}
