import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { headModel } from '../../../core/heads/head-model';
import type { DenseLayer } from '../../../core/heads/head-spec';
import type { AdapterManifest } from '../../../core/schemas/adapter-manifest';
import type { BackboneManifest } from '../../../core/schemas/backbone-manifest';
import { readBackbone } from '../../../trainer/backbones/load-backbone';
import { spamAssassinBodies } from '../../../trainer/datasets/spam-assassin';
import { PROJECT_ROOT } from '../../../trainer/paths';
import { seededFloats } from '../../helpers/onnx-fixtures';
import { writeSpamCsv } from '../../helpers/spam-csv';
import { BACKBONE_ID } from './bench-edge';

export const CACHE_DIR = path.join(PROJECT_ROOT, '.graft', 'cache', 'bench-serve');

export interface Adapter {
  manifest: AdapterManifest;
  model: Uint8Array;
}

/** The default (hybrid) head that the trainer of the tree at `root` exports for the 1,000
 * SpamAssassin texts, trained once into `out` and kept, so every run serves the same bytes. */
export async function spamHead(root: string, out: string): Promise<Adapter> {
  if (!existsSync(path.join(out, 'adapter.onnx'))) {
    execFileSync(process.execPath, [path.join(root, 'bin/graft.js'), 'train', '--data', await spamCsv(), '--out', out, '--name', 'spam'], { cwd: root, stdio: 'inherit' });
  }
  return {
    manifest: JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')) as AdapterManifest,
    model: new Uint8Array(readFileSync(path.join(out, 'adapter.onnx'))),
  };
}

/** This tree's spam head: what a tenant really uploads. */
export function trainedSpamHead(): Promise<Adapter> {
  return spamHead(PROJECT_ROOT, path.join(CACHE_DIR, 'spam-head'));
}

/** The 1,000 SpamAssassin texts the spam head trains on, written once. */
export async function spamCsv(): Promise<string> {
  const csv = path.join(CACHE_DIR, 'spam.csv');
  if (!existsSync(csv)) {
    await mkdir(CACHE_DIR, { recursive: true });
    await writeSpamCsv(csv, 1000);
  }
  return csv;
}

/** A `linear` head over the 100-d backbone (what `--head linear` exports), seeded weights. */
let backboneManifest: Promise<BackboneManifest> | undefined;

export async function linearBackboneHead(name: string, seed: number, labels = ['a', 'b']): Promise<Adapter> {
  backboneManifest ??= readBackbone(BACKBONE_ID).then((b) => b.manifest);
  const backbone = await backboneManifest;
  const dim = backbone.output.dim;
  const layer: DenseLayer = { inputs: dim, outputs: labels.length, weights: seededFloats(dim * labels.length, seed), bias: seededFloats(labels.length, seed + 7), activation: 'linear' };
  return {
    manifest: {
      format: 'graft.adapter/v1',
      name,
      task: 'multiclass',
      labels,
      features: [{ source: BACKBONE_ID, sha256: backbone.sha256, dim }],
      output: 'probs',
      metrics: {},
      training: { by: 'bench' },
    },
    model: headModel({ layers: [layer], output: 'softmax' }),
  };
}

/** Real message bodies, for realistic token counts. */
export function sampleTexts(count: number): string[] {
  const all = spamAssassinBodies().filter((r) => r.text.trim().length > 40);
  const step = all.length / count;
  return Array.from({ length: count }, (_, i) => all[Math.floor(i * step)]!.text.slice(0, 1000));
}

/** A text of exactly `tokens` word tokens, drawn from a real body so most are in-vocabulary. */
let corpusWords: string[] | undefined;

export function textOfTokens(tokens: number): string {
  corpusWords ??= spamAssassinBodies().map((r) => r.text).join(' ').toLowerCase().match(/[a-z]+/g)!;
  return corpusWords.slice(0, tokens).join(' ');
}
