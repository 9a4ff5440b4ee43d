import { assembleFeatures, type EmbeddingCache, type ModelInputs } from '../../core/features/assemble-features';
import { evaluateDenseHead } from '../../core/heads/dense-head';
import { featureWidth } from '../../core/schemas/adapter-manifest';
import { isBackboneFeature } from '../../core/schemas/feature-block';
import type { Env } from '../env';
import { acquireAdapter, releaseAdapter } from './adapter-sessions';
import type { AdapterVersion } from './adapter-versions';
import { embeddersFor } from './backbone-embedders';
import { headInputs, textFeatures } from './head-inputs';
import { formatPredictions, type Prediction } from './format-predictions';
import { runForFloats, Tensor } from './ort-run';

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
 * Runs several heads over one batch. Embeddings are cached per backbone for the whole call, so
 * heads that share a backbone share one backbone pass.
 */
export async function runHeads(env: Env, versions: readonly AdapterVersion[], inputs: ModelInputs, topK?: number): Promise<HeadsRun> {
  const cache: EmbeddingCache = new Map();
  // Heads evaluated in TypeScript share tokens and sparse n-grams too (and the embeddings, above).
  const texts = inputs.every((input) => typeof input === 'string') ? textFeatures(inputs as readonly string[], cache) : undefined;
  const run: HeadsRun = { results: [], features_ms: 0, head_ms: 0 };
  for (const v of versions) {
    const blocks = v.manifest.features;
    const embedders = await embeddersFor(env.ARTIFACTS, blocks);
    const adapter = await acquireAdapter(env, v);
    try {
      const t0 = performance.now();
      let t1: number;
      let data: Float32Array;
      if (adapter.dense) {
        const blocksIn = texts
          ? await headInputs(blocks, texts, embedders)
          : [{ dim: featureWidth(v.manifest), dense: await assembleFeatures(blocks, inputs, embedders, cache) }];
        t1 = performance.now();
        data = evaluateDenseHead(adapter.dense, blocksIn, inputs.length);
      } else {
        const features = await assembleFeatures(blocks, inputs, embedders, cache);
        t1 = performance.now();
        const input = new Tensor('float32', features, [inputs.length, featureWidth(v.manifest)]);
        data = (await runForFloats(adapter.session!, { [adapter.inputName]: input }, 'probs')).data;
      }
      run.features_ms += t1 - t0;
      run.head_ms += performance.now() - t1;
      const first = blocks.find(isBackboneFeature);
      run.results.push({
        adapter: v.name,
        version: v.version,
        backbone: first ? { id: first.source, sha256: first.sha256 } : null,
        predictions: formatPredictions(v.manifest, data, inputs.length, topK),
      });
    } finally {
      releaseAdapter(env, v, adapter);
    }
  }
  return run;
}
