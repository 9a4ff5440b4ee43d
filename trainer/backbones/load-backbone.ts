import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { RoutineError, type Embedder } from '../../core/backbones/backbone-routine';
import { loadEmbedder } from '../../core/backbones/load-embedder';
import { sha256Hex } from '../../core/hash/sha256';
import { BackboneManifest } from '../../core/schemas/backbone-manifest';
import { UsageError } from '../cli/usage-error';
import { backboneDir } from '../paths';
import { nodeBackboneRuntime } from '../runtime/node-backbone-runtime';
import type { OrtProvider } from '../runtime/ort-node';
import { KNOWN_BACKBONES } from './known-backbones';

/** A built backbone: its folder, manifest, model and every asset its manifest lists, all verified. */
export interface BuiltBackbone {
  dir: string;
  manifest: BackboneManifest;
  model: Uint8Array;
  assets: ReadonlyMap<string, Uint8Array>;
}

/** A built file of the backbone, refused unless it hashes to what the manifest says. */
async function readChecked(dir: string, manifest: BackboneManifest, file: string, sha256: string): Promise<Uint8Array> {
  const bytes = new Uint8Array(await readFile(path.join(dir, file)).catch(() => {
    throw new UsageError(`backbone "${manifest.id}" in ${dir} lacks ${file}`, `rebuild it: graft backbones build ${manifest.id}`);
  }));
  if ((await sha256Hex(bytes)) !== sha256) {
    throw new UsageError(`backbone "${manifest.id}" in ${dir}: ${file} does not match its manifest's sha256`, `rebuild it: graft backbones build ${manifest.id}`);
  }
  return bytes;
}

/** Reads a built backbone, checking every file against the manifest's sha256s. */
export async function readBackbone(id: string): Promise<BuiltBackbone> {
  const dir = backboneDir(id);
  let manifestText: string;
  try {
    manifestText = await readFile(path.join(dir, 'manifest.json'), 'utf8');
  } catch {
    if (!KNOWN_BACKBONES.includes(id)) throw new UsageError(`unknown backbone "${id}"`, `use one of: ${KNOWN_BACKBONES.join(', ')}`);
    throw new UsageError(`backbone "${id}" is not built (no ${dir}/manifest.json)`, `run: graft backbones build ${id}`);
  }
  const parsed = BackboneManifest.safeParse(JSON.parse(manifestText));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UsageError(`${dir}/manifest.json: ${issue.path.join('.') || 'manifest'}: ${issue.message}`, `rebuild it: graft backbones build ${id}`);
  }
  const manifest = parsed.data;
  const model = await readChecked(dir, manifest, manifest.file, manifest.sha256);
  const assets = new Map<string, Uint8Array>();
  for (const asset of manifest.assets) assets.set(asset.path, await readChecked(dir, manifest, asset.path, asset.sha256));
  return { dir, manifest, model, assets };
}

/** A backbone loaded for training and evaluation: ORT on the machine's best provider. */
export interface LoadedBackbone {
  embedder: Embedder;
  provider: OrtProvider;
  release(): Promise<void>;
}

/** Any built backbone, whatever its routine, ready to embed in Node. */
export async function loadBackbone(backbone: BuiltBackbone): Promise<LoadedBackbone> {
  const { id } = backbone.manifest;
  const runtime = nodeBackboneRuntime();
  // Files were verified as read; the routine asks for them by name.
  const files = new Map([[backbone.manifest.file, backbone.model], ...backbone.assets]);
  let loaded;
  try {
    loaded = await loadEmbedder(backbone.manifest, async (file) => files.get(file)!, runtime);
  } catch (error) {
    if (error instanceof RoutineError) throw new UsageError(error.message, `rebuild it: graft backbones build ${id}`);
    throw error;
  }
  return { embedder: loaded.embedder, provider: runtime.provider(), release: async () => void (await loaded.release()) };
}
