import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as ortWeb from 'onnxruntime-web';
import { TextPreprocess } from '../../../core/backbones/text-bag-of-ids/text-bag-of-ids-routine';
import { textBatch } from '../../../core/text/bag-of-ids';
import { Vocabulary } from '../../../core/text/vocabulary';
import { readBackbone } from '../../../trainer/backbones/load-backbone';
import { buildTextGloveSif, TEXT_GLOVE_SIF } from '../../../trainer/backbones/text-glove-sif';
import { spamAssassinBodies } from '../../../trainer/datasets/spam-assassin';
import { PROJECT_ROOT } from '../../../trainer/paths';
import { ort } from '../../../trainer/runtime/ort-node';
import { writeBenchmarksSection } from '../benchmarks-section';
import { machine } from '../machine';
import { writeSpamCsv } from '../../helpers/spam-csv';

const BATCH = 256;
const GRAFT = path.join(PROJECT_ROOT, 'bin', 'graft.js');

async function featuresPerSecond(session: { run(feeds: Record<string, unknown>): Promise<unknown> }, Tensor: typeof ort.Tensor, texts: string[], vocabulary: Vocabulary): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < texts.length; i += BATCH) {
    const batch = textBatch(texts.slice(i, i + BATCH), vocabulary);
    await session.run({ ids: new Tensor('int32', batch.ids, [batch.rows, batch.width]), counts: new Tensor('float32', batch.counts, [batch.rows, batch.width]) });
  }
  return texts.length / ((performance.now() - started) / 1000);
}

function graft(args: string[]): { seconds: number; json: Record<string, unknown> } {
  const started = performance.now();
  const run = spawnSync(process.execPath, [GRAFT, ...args, '--json'], { encoding: 'utf8', cwd: PROJECT_ROOT });
  if (run.status !== 0) throw new Error(`graft ${args.join(' ')}: ${run.stderr}`);
  return { seconds: (performance.now() - started) / 1000, json: JSON.parse(run.stdout.trim().split('\n').at(-1)!) };
}

const scratch = await mkdtemp(path.join(tmpdir(), 'graft-trainer-bench-'));
try {
  const buildStarted = performance.now();
  const built = await buildTextGloveSif(path.join(scratch, 'backbone'));
  const buildSeconds = (performance.now() - buildStarted) / 1000;
  const backbone = await readBackbone(TEXT_GLOVE_SIF);
  const vocabularyPath = TextPreprocess.parse(backbone.manifest.preprocess).vocabulary;
  const vocabulary = Vocabulary.parse(new TextDecoder().decode(backbone.assets.get(vocabularyPath)));

  // End to end as a user runs it: a fresh process, features not cached yet. First, while this
  // process holds no ONNX Runtime session whose threads could compete with the child's.
  const csv1000 = path.join(scratch, 'spam-1000.csv');
  await writeSpamCsv(csv1000, 1_000);
  const endToEnd: Record<string, number> = {};
  for (const head of ['hybrid', 'linear', 'mlp']) {
    await rm(path.join(PROJECT_ROOT, '.graft', 'cache'), { recursive: true, force: true });
    endToEnd[head] = graft(['train', '--data', csv1000, '--out', path.join(scratch, `e2e-${head}`), '--head', head]).seconds;
  }

  const bodies = spamAssassinBodies();
  const sample = bodies.filter((_, i) => i % 6 === 0).slice(0, 1_000).map((b) => b.text);
  const nodeSession = await ort.InferenceSession.create(backbone.model);
  ortWeb.env.wasm.numThreads = 1;
  const webSession = await ortWeb.InferenceSession.create(backbone.model, { executionProviders: ['wasm'] });
  await featuresPerSecond(nodeSession, ort.Tensor, sample.slice(0, 256), vocabulary);
  await featuresPerSecond(webSession, ortWeb.Tensor as unknown as typeof ort.Tensor, sample.slice(0, 256), vocabulary);
  const nodeRate = await featuresPerSecond(nodeSession, ort.Tensor, sample, vocabulary);
  const webRate = await featuresPerSecond(webSession, ortWeb.Tensor as unknown as typeof ort.Tensor, sample, vocabulary);

  let covered = 0;
  let tokens = 0;
  const { tokenize } = await import('../../../core/text/tokenize');
  for (const body of bodies) for (const token of tokenize(body.text)) {
    tokens++;
    if (vocabulary.id(token)) covered++;
  }

  // Accuracy on SpamAssassin: 1,500 held out, 32 per class or all of the rest, as in DESIGN.md.
  const order = bodies.map((_, i) => i).sort((a, b) => ((a * 2654435761) % 6046) - ((b * 2654435761) % 6046));
  const test = order.slice(0, 1_500);
  const pool = order.slice(1_500);
  const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
  const writeCsv = (file: string, rows: number[]) => writeFile(file, ['text,label', ...rows.filter((i) => bodies[i]!.text.trim()).map((i) => `${quote(bodies[i]!.text)},${bodies[i]!.label}`)].join('\n') + '\n');
  const testCsv = path.join(scratch, 'test.csv');
  await writeCsv(testCsv, test);
  const accuracy: Record<string, Record<string, number>> = {};
  for (const [size, rows] of [
    ['32 per class', [...pool.filter((i) => bodies[i]!.label === 'ham').slice(0, 32), ...pool.filter((i) => bodies[i]!.label === 'spam').slice(0, 32)]],
    ['all', pool],
  ] as const) {
    const trainCsv = path.join(scratch, `train-${size.replace(/\W+/g, '-')}.csv`);
    await writeCsv(trainCsv, [...rows]);
    for (const head of ['linear', 'mlp', 'hybrid']) {
      const out = path.join(scratch, `acc-${head}-${size.replace(/\W+/g, '-')}`);
      graft(['train', '--data', trainCsv, '--out', out, '--head', head, '--seed', '1']);
      ((accuracy[size] ??= {})[head] = graft(['eval', out, '--data', testCsv]).json.accuracy as number);
    }
  }

  const info = machine();
  const result = {
    machine: info,
    backbone: { build_seconds: buildSeconds, model_bytes: built.bytes, vocabulary_bytes: built.assets[0]!.bytes, vocabulary_words: vocabulary.size, spam_assassin_token_coverage: covered / tokens },
    features_per_second: { onnxruntime_node: nodeRate, onnxruntime_web_wasm_1_thread: webRate },
    train_1000_texts_seconds: endToEnd,
    accuracy,
  };
  await mkdir(path.join(PROJECT_ROOT, 'docs', 'benchmarks'), { recursive: true });
  await writeFile(path.join(PROJECT_ROOT, 'docs', 'benchmarks', 'trainer.json'), JSON.stringify(result, null, 2) + '\n');
  const body = [
    `\`npm run bench:trainer\`; ${info.date}, ${info.cores} × ${info.cpu}, ${info.memoryGiB} GiB, Node ${info.node}. Raw figures in \`docs/benchmarks/trainer.json\`.`,
    '| what | figure |\n|---|---|',
    `| backbone build (\`graft backbones build text-glove-sif\`) | ${buildSeconds.toFixed(1)} s; model ${(built.bytes / 1e6).toFixed(1)} MB, vocabulary ${vocabulary.size} words (${(result.backbone.vocabulary_bytes / 1e3).toFixed(0)} kB) |`,
    `| SpamAssassin body tokens covered by the vocabulary | ${((covered / tokens) * 100).toFixed(1)} % |`,
    `| backbone features per second, onnxruntime-node (CPU) | ${nodeRate.toFixed(0)} |`,
    `| backbone features per second, onnxruntime-web (wasm, 1 thread) in Node | ${webRate.toFixed(0)} (${nodeRate >= webRate ? `${(nodeRate / webRate).toFixed(2)}× slower` : `${(webRate / nodeRate).toFixed(2)}× faster`} than onnxruntime-node) |`,
    ...Object.entries(endToEnd).map(([head, s]) => `| \`graft train\` on 1,000 texts, \`--head ${head}\`, fresh process, cold feature cache | ${s.toFixed(1)} s |`),
    '',
    'Accuracy on 1,500 held-out SpamAssassin bodies (`graft eval`), next to DESIGN.md\'s reference (TF-IDF + LR 0.882 / 0.933 at 32 / 256 per class; GloVe-SIF + LR 0.822 / 0.891):',
    '',
    '| labelled | linear | mlp | hybrid (default) |\n|---|---|---|---|',
    ...Object.entries(accuracy).map(([size, a]) => `| ${size} | ${a.linear!.toFixed(3)} | ${a.mlp!.toFixed(3)} | ${a.hybrid!.toFixed(3)} |`),
  ].join('\n');
  await writeBenchmarksSection(path.join(PROJECT_ROOT, 'BENCHMARKS.md'), 'Trainer', body);
  console.log(body);
} finally {
  await rm(scratch, { recursive: true, force: true });
}
