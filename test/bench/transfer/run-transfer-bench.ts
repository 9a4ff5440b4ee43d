import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Embedder } from '../../../core/backbones/backbone-routine';
import { loadBackbone, readBackbone } from '../../../trainer/backbones/load-backbone';
import { spamAssassinBodies, type LabelledText } from '../../../trainer/datasets/spam-assassin';
import { stateOfTheUnionPassages } from '../../../trainer/datasets/state-of-the-union';
import { embedTexts } from '../../../trainer/features/extract-features';
import { hybridVariants } from '../../../trainer/heads/hybrid-head';
import { seededRandom, shuffle } from '../../../trainer/random';
import { PROJECT_ROOT } from '../../../trainer/paths';
import { machine } from '../machine';
import { runDraw, type DrawResult } from './learning-curve-draw';
import { writeTransferReport } from './transfer-report';

const SIZES = [4, 8, 16, 32, 64, 256, 'all'] as const;
const DRAWS = 5;
const HELD_OUT = 1_500;
const OUT = path.join(PROJECT_ROOT, 'docs', 'benchmarks');

interface DatasetSpec {
  name: string;
  load: () => LabelledText[];
}

// SOTU has ~19k passages; a seeded 6,000 keeps the "all" point comparable to SpamAssassin's size.
const DATASETS: DatasetSpec[] = [
  { name: 'SpamAssassin bodies (spam vs ham)', load: spamAssassinBodies },
  { name: 'State of the Union passages (Democratic vs Republican)', load: () => shuffle(stateOfTheUnionPassages(), seededRandom(7)).slice(0, 6_000) },
];

async function benchDataset(spec: DatasetSpec, embedder: Embedder) {
  const data = spec.load().filter((d) => d.text.trim().length > 0);
  const names = [...new Set(data.map((d) => d.label))].sort();
  const texts = data.map((d) => d.text);
  const labels = Int32Array.from(data, (d) => names.indexOf(d.label));
  const embeddings = await embedTexts(embedder, texts, true);
  const variants = hybridVariants({ dim: embedder.manifest.output.dim, values: embeddings }, texts);
  const rows: { size: (typeof SIZES)[number]; draws: DrawResult[] }[] = [];
  for (const size of SIZES) {
    const draws: DrawResult[] = [];
    for (let draw = 0; draw < DRAWS; draw++) {
      const order = shuffle([...texts.keys()], seededRandom(1_000 + draw));
      const test = order.slice(0, HELD_OUT);
      const pool = order.slice(HELD_OUT);
      const train = size === 'all' ? pool : names.flatMap((_, k) => pool.filter((i) => labels[i] === k).slice(0, size));
      const started = Date.now();
      draws.push(runDraw(texts, variants, labels, names.length, train.sort((a, b) => a - b), test, draw));
      console.error(`${spec.name} · ${size} per class · draw ${draw}: ${JSON.stringify(draws.at(-1))} (${Date.now() - started} ms)`);
    }
    rows.push({ size, draws });
  }
  return { dataset: spec.name, examples: texts.length, heldOut: HELD_OUT, rows };
}

const { embedder } = await loadBackbone(await readBackbone('text-glove-sif'));
const results = [];
for (const spec of DATASETS) results.push(await benchDataset(spec, embedder));
const info = machine();
await mkdir(OUT, { recursive: true });
await writeFile(path.join(OUT, 'transfer.json'), JSON.stringify({ machine: info, draws: DRAWS, heldOut: HELD_OUT, results }, null, 2) + '\n');
console.log(await writeTransferReport(path.join(OUT, 'transfer.json')));
