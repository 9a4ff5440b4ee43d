import { RoutineError, type BackboneRuntime, type Embedder } from '../../core/backbones/backbone-routine';
import { loadEmbedder } from '../../core/backbones/load-embedder';
import type { BackboneManifest } from '../../core/schemas/backbone-manifest';
import { backboneObjectKey } from '../../core/storage/keys';
import { Problem } from '../problems';
import { readVerified, residentBackbones } from './loaded-backbones';
import { runForFloats, Tensor, type Feeds } from './ort-run';
import { newSession } from './ort-state';
import { laneOf } from './run-lock';

/** Backbones at the edge: onnxruntime-web behind the run lock, TypeScript evaluators where a
 * routine has one, and one image per run (ORT's wasm heap keeps the largest batch's activations). */
const EDGE_RUNTIME: BackboneRuntime = {
  typescript: true,
  rowsPerRun: 1,
  async session(model) {
    const session = await newSession(model);
    return {
      run: async (feeds, output, batch) => {
        const tensors: Feeds = {};
        for (const [name, { type, data, dims }] of Object.entries(feeds)) tensors[name] = new Tensor(type, data, [...dims]);
        return (await runForFloats(session, tensors, output, laneOf(batch))).data;
      },
      release: () => session.release(),
    };
  },
};

async function load(bucket: R2Bucket, manifest: BackboneManifest) {
  const read = (file: string, sha256: string) => readVerified(bucket, backboneObjectKey(manifest.id, manifest.sha256, file), sha256);
  try {
    return await loadEmbedder(manifest, read, EDGE_RUNTIME);
  } catch (error) {
    if (error instanceof RoutineError) throw new Problem('backbone_corrupt', error.message);
    throw error;
  }
}

/** The embedder for exactly these bytes, whatever its modality; a new sha256 for the id replaces (and frees) the old. */
export function backboneEmbedder(bucket: R2Bucket, manifest: BackboneManifest): Promise<Embedder> {
  return residentBackbones.embedder(manifest.id, manifest.sha256, () => load(bucket, manifest));
}
