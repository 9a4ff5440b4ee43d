import type { BackboneManifest } from '../schemas/backbone-manifest';
import { RoutineError, type BackboneRuntime, type LoadedEmbedder } from './backbone-routine';
import { routineOf } from './routines';

/** Reads one file of a backbone (its model or an asset) and refuses bytes that do not hash to `sha256`. */
export type ReadBackboneFile = (file: string, sha256: string) => Promise<Uint8Array>;

/**
 * The one way any side loads a backbone: the routine its manifest names reads the model and the
 * assets it needs, and builds the embedder on the side's runtime.
 */
export async function loadEmbedder(manifest: BackboneManifest, read: ReadBackboneFile, runtime: BackboneRuntime): Promise<LoadedEmbedder> {
  const { routine, preprocess } = routineOf(manifest);
  const paths = routine.assets(preprocess);
  const listed = paths.map((path) => {
    const asset = manifest.assets.find((a) => a.path === path);
    if (!asset) throw new RoutineError(manifest.id, `its manifest lists no asset ${path}`);
    return asset;
  });
  const [model, ...bytes] = await Promise.all([read(manifest.file, manifest.sha256), ...listed.map((a) => read(a.path, a.sha256))]);
  const assets = new Map(paths.map((path, i) => [path, bytes[i]!]));
  return routine.load({ manifest, preprocess, model: model!, assets, runtime });
}
