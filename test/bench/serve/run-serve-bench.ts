/**
 * `npm run bench:serve`: serving latency, throughput, cold loads and memory of the edge worker on
 * local workerd, against a node:http + onnxruntime-node reference, with the real GloVe backbone.
 * Writes docs/benchmarks/serve.json and the `## Serving` section of BENCHMARKS.md.
 * Flags: --quick (1 s loads, 1,000 adapters) for a smoke run; --skip-before (no baseline);
 * --before=<rev> the committed worker to compare with (default: the last commit before the text
 * backbone ran in TypeScript, decision 0021; 00e67da is the one before all of issue 6).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PROJECT_ROOT } from '../../../trainer/paths';
import { machine } from '../machine';
import { writeBenchmarksSection } from '../benchmarks-section';
import { startEdge, startFloorWorker, type Edge } from './bench-edge';
import { committedSpamHead, committedWorker } from './before-worker';
import { CACHE_DIR, linearBackboneHead, sampleTexts, trainedSpamHead, type Adapter } from './bench-models';
import { coldLoad, uploadToFirstPrediction } from './cold-load';
import { costCurves } from './cost-curves';
import { compare, type Scenario } from './http-comparison';
import { inProcess } from './in-process';
import { manyAdapters } from './many-adapters';
import { startReference } from './reference-process';
import { servingSection } from './serving-section';

const quick = process.argv.includes('--quick');
const skipBefore = process.argv.includes('--skip-before');
const BEFORE_REV = process.argv.find((a) => a.startsWith('--before='))?.slice('--before='.length) ?? 'aa98096';
const SECONDS = quick ? 1 : 5;
const ADAPTERS = quick ? 1000 : 10_000;
const log = (line: string) => process.stderr.write(`${line}\n`);
const started = Date.now();

const spam = await trainedSpamHead();
const others: Adapter[] = [await linearBackboneHead('topic', 11, ['a', 'b', 'c']), await linearBackboneHead('lang', 12, ['x', 'y'])];
const heads: Adapter[] = [spam, ...others];

/** The heads as folders the reference server loads. */
function headDirs(set: readonly Adapter[], folder: string): string[] {
  return set.map((h) => {
    const dir = path.join(CACHE_DIR, folder, h.manifest.name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(h.manifest));
    writeFileSync(path.join(dir, 'adapter.onnx'), h.model);
    return dir;
  });
}
const dirs = headDirs(heads, 'adapters');
// Distinct bodies cycled by every client: one repeated text would keep its few rows of the word
// table and vocabulary entries in the CPU cache between requests, which real traffic does not.
const REQUEST_TEXTS = 512;
const texts = sampleTexts(REQUEST_TEXTS);
const [text] = texts;
const meanChars = Math.round(texts.reduce((sum, t) => sum + t.length, 0) / texts.length);
const each = (extra: Record<string, unknown> = {}) => texts.map((t) => ({ ...extra, inputs: [t] }));
const scenarios: Scenario[] = [
  { label: 'one adapter (hybrid spam head)', path: '/v1/adapters/spam/predict', bodies: each() },
  // Backbone + a 100-d linear head on both sides: no hashed block for either to densify or not.
  { label: 'one adapter (linear 100-d head)', path: '/v1/adapters/topic/predict', bodies: each() },
  { label: 'three adapters, one /v1/predict', path: '/v1/predict', bodies: each({ adapters: ['spam', 'topic', 'lang'] }) },
];
const workerdVersion = execFileSync(path.join(PROJECT_ROOT, 'node_modules/.bin/workerd'), ['--version'], { encoding: 'utf8' }).trim();
log(`serve bench${quick ? ' (--quick)' : ''}: ${REQUEST_TEXTS} distinct SpamAssassin bodies cycled (mean ${meanChars} chars), ${SECONDS} s per load point`);

async function edgeWith(bindings: Record<string, string> = {}, build = {}, set: readonly Adapter[] = heads): Promise<Edge> {
  const edge = await startEdge(bindings, build);
  for (const h of set) {
    const res = await edge.upload(h.manifest.name, h.manifest, h.model);
    if (res.status !== 201) throw new Error(`upload ${h.manifest.name}: ${res.status} ${await res.text()}`);
  }
  return edge;
}

log('in-process floor…');
const floor = await inProcess(spam, text!, quick ? 1 : 3);

const reference = await startReference(dirs);
const http: Record<string, unknown> = {};
const edge = await edgeWith();
log(`HTTP, reference vs workerd (this tree) at ${edge.origin}…`);
http.after = [];
for (const s of scenarios) (http.after as unknown[]).push(...(await compare(edge, reference, s, SECONDS, log)));
const entry = await compare({ ...edge, origin: edge.entryOrigin }, reference, scenarios[0]!, SECONDS, log);
http.after_through_miniflare_entry = entry;
// What each side's HTTP path costs with no model and none of our code: the part of the gap that
// is the runtime's.
const floorWorker = await startFloorWorker();
log(`HTTP floor: bare workerd handler at ${floorWorker.origin} vs the reference's bare /floor…`);
http.floor = await compare({ ...edge, origin: floorWorker.origin }, reference, { label: 'bare HTTP path (body read, fixed JSON)', path: '/floor', bodies: each() }, SECONDS, log);
await floorWorker.stop();
log('cost curves…');
const auth = { authorization: `Bearer ${edge.apiKey}` };
const batchTexts = texts.slice(0, 64);
const curves = {
  workerd: await costCurves(edge.origin, auth, '/v1/adapters/spam/predict', batchTexts, quick ? 5 : 20),
  reference: await costCurves(reference.origin, {}, '/v1/adapters/spam/predict', batchTexts, quick ? 5 : 20),
};
const rss = { workerd_bytes: edge.rss(), reference_bytes: reference.rss(), health: await edge.health() };
log('upload to first prediction…');
const uploadFirst = {
  hybrid: await uploadToFirstPrediction(edge, (i) => ({ manifest: { ...spam.manifest, name: `fresh-${i}` }, model: spam.model }), quick ? 3 : 10),
};
await edge.stop();

/** `count` distinct linear 100-d heads, built up front so the timed loops only send them. */
async function linearHeads(prefix: string, count: number): Promise<(i: number) => Adapter> {
  const built: Adapter[] = [];
  for (let i = 0; i < count; i++) built.push(await linearBackboneHead(`${prefix}-${i}`, 1000 + i));
  return (i) => built[i]!;
}

log('cold loads…');
const coldEdge = await edgeWith({ ADAPTER_CACHE_BYTES: '1' });
const coldHeads = await linearHeads('cold', 30);
const cold = {
  linear_100d: await coldLoad(coldEdge, coldHeads, 30),
  hybrid: await coldLoad(coldEdge, (i) => ({ manifest: { ...spam.manifest, name: `cold-hybrid-${i}` }, model: spam.model }), 10),
};
await coldEdge.stop();

log(`${ADAPTERS} adapters through one isolate…`);
const manyHeads = await linearHeads('many', ADAPTERS);
// An empty tenant: its 10,000 adapters are exactly the per-tenant maximum (MAX_ADAPTERS_PER_TENANT).
const manyEdge = await edgeWith({}, {}, []);
const tenThousand = await manyAdapters(manyEdge, manyHeads, ADAPTERS, log);
await manyEdge.stop();

let before: Record<string, unknown> | undefined;
if (!skipBefore) {
  const build = committedWorker(BEFORE_REV);
  // That revision's worker serves that revision's default head, against a reference serving the same.
  const oldSpam = await committedSpamHead(BEFORE_REV);
  const oldHeads = [oldSpam, ...others];
  log(`before: the committed worker (${build.rev})…`);
  const oldReference = await startReference(headDirs(oldHeads, `adapters-${build.rev}`));
  const beforeEdge = await edgeWith({}, build, oldHeads);
  const rows = [];
  for (const s of scenarios) rows.push(...(await compare(beforeEdge, oldReference, s, SECONDS, log)));
  const beforeHealth = await beforeEdge.health();
  await beforeEdge.stop();
  await oldReference.stop();
  const beforeCold = await edgeWith({ ADAPTER_CACHE_BYTES: '1' }, build, oldHeads);
  const coldBefore = await coldLoad(beforeCold, coldHeads, 30);
  const firstBefore = await uploadToFirstPrediction(beforeCold, (i) => ({ manifest: { ...oldSpam.manifest, name: `fresh-${i}` }, model: oldSpam.model }), quick ? 3 : 10);
  await beforeCold.stop();
  before = { rev: build.rev, http: rows, health: beforeHealth, cold_linear_100d: coldBefore, upload_to_first_prediction_hybrid: firstBefore };
}
await reference.stop();

const results = {
  machine: { ...machine(), workerd: workerdVersion },
  quick,
  seconds_per_load_point: SECONDS,
  request_texts: REQUEST_TEXTS,
  mean_chars: meanChars,
  in_process_text_chars: text!.length,
  in_process: floor,
  http,
  cost_curves: curves,
  resident: rss,
  upload_to_first_prediction: uploadFirst,
  cold_load: cold,
  many_adapters: tenThousand,
  before,
  seconds: (Date.now() - started) / 1000,
};
const outDir = path.join(PROJECT_ROOT, 'docs', 'benchmarks');
await mkdir(outDir, { recursive: true });
await writeFile(path.join(outDir, 'serve.json'), JSON.stringify(results, null, 2) + '\n');
await writeBenchmarksSection(path.join(PROJECT_ROOT, 'BENCHMARKS.md'), 'Serving', servingSection(results));
log(`done in ${results.seconds.toFixed(0)} s: docs/benchmarks/serve.json, BENCHMARKS.md ## Serving`);
