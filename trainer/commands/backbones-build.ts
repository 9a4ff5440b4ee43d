import { z } from 'zod';
import { BACKBONE_BUILDERS, KNOWN_BACKBONES } from '../backbones/known-backbones';
import { parseFlags } from '../cli/parse-flags';
import { UsageError } from '../cli/usage-error';
import { backboneDir } from '../paths';

export async function backbonesBuildCommand(argv: readonly string[]): Promise<void> {
  const { flags, positionals } = parseFlags('backbones build', argv, { json: 'boolean' }, z.object({ json: z.boolean().default(false) }));
  const ids = positionals.length ? positionals : KNOWN_BACKBONES;
  for (const id of ids) {
    if (!BACKBONE_BUILDERS[id]) throw new UsageError(`unknown backbone "${id}"`, `use one of: ${KNOWN_BACKBONES.join(', ')}`);
  }
  const built = [];
  for (const id of ids) {
    const started = Date.now();
    if (!flags.json) console.error(`building ${id} …`);
    const manifest = await BACKBONE_BUILDERS[id]!(backboneDir(id));
    const seconds = (Date.now() - started) / 1000;
    built.push({ id, dir: backboneDir(id), sha256: manifest.sha256, bytes: manifest.bytes, seconds });
    if (!flags.json) console.error(`${id}: ${(manifest.bytes / 1e6).toFixed(1)} MB, sha256 ${manifest.sha256.slice(0, 12)}…, ${seconds.toFixed(1)} s → ${backboneDir(id)}`);
  }
  if (flags.json) console.log(JSON.stringify(built));
}
