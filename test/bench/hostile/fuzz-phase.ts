import { runFuzz, type FuzzReport, type Send } from './fuzz-run';
import { fuzzSeeds } from './fuzz-seeds';
import type { HostileEdge, MemorySample } from './hostile-edge';
import { memorySeries, settledMemory } from './memory-series';
import type { BenchSeeds } from './bench-seeds';
import { neighbourOf } from './neighbour';

export interface FuzzPhase {
  report: FuzzReport;
  /** After the seeds were uploaded and predicted once, before the first mutant (settled: least of three samples). */
  memory_before: MemorySample;
  /** Once the fuzz ended and the isolate settled (the cases' adapters deleted). */
  memory_after: MemorySample;
  /** Every ~10 s during the run. */
  memory_series: MemorySample[];
  /** Another tenant's predict answered identically after the run. */
  neighbour_unharmed: boolean;
  /** workerd still running, and the isolate never restarted (its cache counters only grew). */
  isolate_survived: boolean;
}

/** The seeded fuzz against one edge: seeds uploaded and checked, `count` cases, memory before, during and after. */
export async function fuzzPhase(edge: HostileEdge, bench: BenchSeeds, options: { seed: number; count: number; parallel: number; log: (line: string) => void }): Promise<FuzzPhase> {
  const neighbour = await neighbourOf(edge, bench.text);
  const fuzzer = await edge.tenant('fuzzer');
  for (const seed of bench.adapters) {
    const name = seed.modality === 'image' ? (seed.label === 'pixels' ? 'pix' : 'shoes') : `seed-${seed.label}`;
    const res = await fuzzer.upload(name, { ...seed.manifest, name }, seed.model);
    if (res.status !== 201) throw new Error(`seed ${seed.label}: ${res.status} ${await res.text()}`);
  }
  const seeds = fuzzSeeds(bench.adapters, bench.images, ['pix', 'shoes']);
  const send: Send = async ({ method, path, body, type }) => {
    const sent = await fuzzer.http.send(method, path, body, type);
    if ('error' in sent) throw new Error(sent.error);
    return sent.response;
  };
  // One clean predict per image adapter first: backbones and ORT load before the baseline.
  for (const adapter of seeds.imageAdapters) {
    const sent = await fuzzer.http.send('POST', `/v1/adapters/${adapter}/predict`, new TextEncoder().encode(JSON.stringify({ images: bench.images.slice(0, 3).map((i) => Buffer.from(i.bytes).toString('base64')) })), 'application/json');
    if ('error' in sent || sent.response.status !== 200) throw new Error(`warm-up ${adapter}: ${'error' in sent ? sent.error : await sent.response.text()}`);
  }
  const t0 = performance.now();
  const memoryBefore = await settledMemory(edge, t0);
  const series = memorySeries(edge, 10_000, t0);
  const report = await runFuzz({ seeds, seed: options.seed, count: options.count, send, parallel: options.parallel, log: options.log });
  const memorySeriesSamples = await series.stop();
  const memoryAfter = await settledMemory(edge, t0);
  const lookups = [memoryBefore, ...memorySeriesSamples, memoryAfter].map((s) => s.cache_lookups);
  return {
    report,
    memory_before: memoryBefore,
    memory_after: memoryAfter,
    memory_series: memorySeriesSamples,
    neighbour_unharmed: await neighbour.unharmed(),
    isolate_survived: edge.alive() && lookups.every((n, i) => i === 0 || n >= lookups[i - 1]!),
  };
}
