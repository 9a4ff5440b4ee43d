import type { LoadedEmbedder } from '../../core/backbones/backbone-routine';
import { loadEmbedder } from '../../core/backbones/load-embedder';
import type { BackboneManifest } from '../../core/schemas/backbone-manifest';
import { nodeBackboneRuntime } from '../../trainer/runtime/node-backbone-runtime';

/** A backbone embedder in onnxruntime-node, as the trainer runs it, from its files by name. */
export function nodeEmbedder(manifest: BackboneManifest, files: Readonly<Record<string, Uint8Array | string>>): Promise<LoadedEmbedder> {
  const read = async (file: string) => {
    const body = files[file];
    if (body === undefined) throw new Error(`no file ${file}`);
    return typeof body === 'string' ? new TextEncoder().encode(body) : body;
  };
  return loadEmbedder(manifest, read, nodeBackboneRuntime());
}
