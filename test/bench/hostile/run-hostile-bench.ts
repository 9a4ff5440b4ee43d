/**
 * `npm run bench:hostile`: the platform under attack on local workerd with the real backbones —
 * a seeded fuzz of uploads and image predicts (10,000 mutations), a noisy neighbour (a quiet
 * tenant's latency while another sends the costliest requests the limits allow) and a soak
 * (10 minutes of mixed traffic at a fixed rate, memory every ~10 s). Writes
 * docs/benchmarks/hostile.json and the `## Hostile` section of BENCHMARKS.md.
 * Flags: --quick (1,000 mutations, 5 s phases, 60 s soak) for a smoke run; --skip-before (no
 * baseline); --before=<rev> the committed worker the fuzz and the noisy neighbour also run
 * against (default 0030039, the last commit before the bounds of "no tenant can hurt another");
 * --seed=<n>.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PROJECT_ROOT } from '../../../trainer/paths';
import type { BuildOptions } from '../../helpers/worker-harness';
import { writeBenchmarksSection } from '../benchmarks-section';
import { machine } from '../machine';
import { committedWorker } from '../serve/before-worker';
import { benchSeeds } from './bench-seeds';
import { fuzzPhase } from './fuzz-phase';
import { hostileSection, type HostileResults } from './hostile-section';
import { startHostileEdge, type HostileEdge } from './hostile-edge';
import { noisyNeighbour } from './noisy-neighbour';
import { soak } from './soak';

const flag = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const quick = process.argv.includes('--quick');
const skipBefore = process.argv.includes('--skip-before');
const SEED = Number(flag('seed') ?? 20_251_207);
const BEFORE_REV = '0030039';
const MUTATIONS = quick ? 1_000 : 10_000;
const PHASE_SECONDS = quick ? 5 : 20;
const SOAK_SECONDS = quick ? 60 : 600;
const SOAK_RATE = 10;
const FUZZ_PARALLEL = 4;
const log = (line: string) => process.stderr.write(`${line}\n`);
const started = Date.now();

/** A fresh worker per part, stopped whatever happens. */
async function onFreshEdge<T>(build: BuildOptions, part: (edge: HostileEdge) => Promise<T>): Promise<T> {
  const edge = await startHostileEdge(build);
  try {
    return await part(edge);
  } finally {
    await edge.stop();
  }
}

const seeds = await benchSeeds();
const workerd = execFileSync(path.join(PROJECT_ROOT, 'node_modules/.bin/workerd'), ['--version'], { encoding: 'utf8' }).trim();
log(`hostile bench${quick ? ' (--quick)' : ''}: seed ${SEED}, ${MUTATIONS} mutations, ${PHASE_SECONDS} s per noisy-neighbour phase, ${SOAK_SECONDS} s soak at ${SOAK_RATE}/s`);

async function fuzzAndNeighbour(build: BuildOptions, label: string) {
  log(`fuzz (${label})…`);
  const fuzz = await onFreshEdge(build, (edge) => fuzzPhase(edge, seeds, { seed: SEED, count: MUTATIONS, parallel: FUZZ_PARALLEL, log }));
  log(`  ${fuzz.report.requests} requests in ${fuzz.report.seconds} s, ${fuzz.report.violations.length} violations`);
  log(`noisy neighbour (${label})…`);
  const noisy = await onFreshEdge(build, (edge) => noisyNeighbour(edge, seeds, { seconds: PHASE_SECONDS, log }));
  return { fuzz, noisy };
}

const after = await fuzzAndNeighbour({}, 'this tree');
log('soak…');
const soakResult = await onFreshEdge({}, (edge) => soak(edge, seeds, { seconds: SOAK_SECONDS, rate: SOAK_RATE, seed: SEED, log }));
let before: HostileResults['before'];
if (!skipBefore) {
  const build = committedWorker(flag('before') ?? BEFORE_REV);
  const run = await fuzzAndNeighbour(build, `committed ${build.rev}`);
  before = { rev: build.rev, fuzz: run.fuzz, noisy_neighbour: run.noisy };
}

const results: HostileResults = {
  machine: { ...machine(), workerd },
  quick,
  seed: SEED,
  fuzz: after.fuzz,
  noisy_neighbour: after.noisy,
  soak: soakResult,
  before,
  seconds: (Date.now() - started) / 1000,
};
const outDir = path.join(PROJECT_ROOT, 'docs', 'benchmarks');
await mkdir(outDir, { recursive: true });
await writeFile(path.join(outDir, 'hostile.json'), JSON.stringify(results, null, 2) + '\n');
await writeBenchmarksSection(path.join(PROJECT_ROOT, 'BENCHMARKS.md'), 'Hostile', hostileSection(results));
log(`done in ${results.seconds.toFixed(0)} s: docs/benchmarks/hostile.json, BENCHMARKS.md ## Hostile`);
