import { existsSync } from 'node:fs';
import path from 'node:path';
import { BACKBONE_BUILDERS, KNOWN_BACKBONES } from '../../trainer/backbones/known-backbones';
import { backboneDir } from '../../trainer/paths';

/** Builds each known backbone that has no manifest yet; returns the ids it built. */
export async function ensureBackbones(say: (line: string) => void, ids: readonly string[] = KNOWN_BACKBONES): Promise<string[]> {
  const built: string[] = [];
  for (const id of ids) {
    if (existsSync(path.join(backboneDir(id), 'manifest.json'))) continue;
    const started = Date.now();
    say(`building backbone ${id} (once; later starts reuse it) …`);
    const manifest = await BACKBONE_BUILDERS[id]!(backboneDir(id));
    say(`built ${id}: ${(manifest.bytes / 1e6).toFixed(1)} MB in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    built.push(id);
  }
  return built;
}
