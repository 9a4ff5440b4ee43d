import { existsSync } from 'node:fs';
import path from 'node:path';
import { buildTextGloveSif, TEXT_GLOVE_SIF } from '../../trainer/backbones/text-glove-sif';
import { backboneDir } from '../../trainer/paths';

// Trainer and end-to-end tests need the real text backbone; build it once, as `npm start` would.
export default async function setup(): Promise<void> {
  if (!existsSync(path.join(backboneDir(TEXT_GLOVE_SIF), 'manifest.json'))) await buildTextGloveSif(backboneDir(TEXT_GLOVE_SIF));
}
