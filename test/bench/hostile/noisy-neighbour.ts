import { headModel } from '../../../core/heads/head-model';
import { featureWidth, type AdapterManifest } from '../../../core/schemas/adapter-manifest';
import type { FeatureBlock } from '../../../core/schemas/feature-block';
import { seededFloats } from '../../helpers/onnx-fixtures';
import { linearHead, manifestFor } from '../../helpers/worker-fixtures';
import { sampleTexts } from '../serve/bench-models';
import { summary } from '../serve/http-client';
import { answerOf } from './answer';
import type { BenchSeeds } from './bench-seeds';
import type { HostileEdge, MemorySample, Tenant } from './hostile-edge';
import { settledMemory } from './memory-series';
import { largestImageBatch, maxTextBatch, oversizedRequests, type Body, type ImageBatch } from './max-inputs';

/** Wide heads: GloVe-SIF plus 2^16 hashed n-grams, 8 labels, ~2 MiB each; a dozen overfill the 32 MiB cache. */
const BIG_HEADS = 12;
const BIG_LABELS = Array.from({ length: 8 }, (_, i) => `label-${i}`);
const HASHED: FeatureBlock = { source: 'hashed-ngrams', dim: 1 << 16, ngrams: [1, 2] };

/** Half evaluated in TypeScript (what `graft train` exports), half as ORT sessions (a Gemm + Softmax head). */
function bigHead(i: number, text: FeatureBlock): { manifest: AdapterManifest; model: Uint8Array; kind: string } {
  const manifest = manifestFor(`big-${i}`, BIG_LABELS, [text, HASHED]);
  const width = featureWidth(manifest);
  if (i % 2) return { manifest, model: linearHead(width, BIG_LABELS.length, 100 + i), kind: 'ort' };
  const layer = { inputs: width, outputs: BIG_LABELS.length, weights: seededFloats(width * BIG_LABELS.length, 100 + i), bias: seededFloats(BIG_LABELS.length, 200 + i), activation: 'linear' as const };
  return { manifest, model: headModel({ layers: [layer], output: 'softmax' }), kind: 'dense' };
}

interface Lane {
  label: string;
  next(i: number): { path: string; body: Body };
}

interface LaneResult {
  requests: number;
  codes: Record<string, number>;
  connection_errors: number;
  /** The first few, as the client saw them. */
  connection_error_messages: string[];
  p50_ms: number;
  p99_ms: number;
}

/** Sends `lane`'s requests one after another until `stopped()`; every answer counted by code and timed. */
async function closedLoop(tenant: Tenant, lane: Lane, stopped: () => boolean): Promise<LaneResult & { times: number[] }> {
  const codes: Record<string, number> = {};
  const times: number[] = [];
  const messages: string[] = [];
  let requests = 0;
  for (let i = 0; !stopped(); i++, requests++) {
    const { path, body } = lane.next(i);
    const sent = await tenant.http.send('POST', path, body.body, body.type);
    if ('error' in sent) {
      messages.push(`${path}: ${sent.error} after ${sent.ms.toFixed(0)} ms`);
      continue;
    }
    const answer = await answerOf(sent.response);
    codes[answer.code] = (codes[answer.code] ?? 0) + 1;
    times.push(sent.ms);
  }
  const s = times.length ? summary(times) : { p50_ms: NaN, p99_ms: NaN };
  return { requests, codes, connection_errors: messages.length, connection_error_messages: messages.slice(0, 5), p50_ms: s.p50_ms, p99_ms: s.p99_ms, times };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface NoisyNeighbour {
  seconds_per_phase: number;
  quiet: {
    request: string;
    solo_before: LaneResult;
    attacked: LaneResult;
    solo_after: LaneResult;
    /** Both solo phases pooled: the reference the attacked p99 is compared with. */
    solo_p99_ms: number;
    p99_ratio: number;
    within_2x: boolean;
    errors: number;
  };
  noisy: {
    heads: { accepted: string[]; refused: Record<string, string> };
    max_images: Omit<ImageBatch, 'form'>;
    lanes: Record<string, LaneResult>;
  };
  memory_before: MemorySample;
  memory_after: MemorySample;
}

/**
 * One tenant (quiet) predicts one typical text at a time, alone, then while another tenant
 * (noisy) hammers the same isolate with the most expensive requests the limits allow — 64 texts
 * of 100,000 characters over 8 wide heads, 8 images of 4 MP, a dozen ~2 MiB heads thrashing the
 * cache, and requests over every limit — then alone again. Memory is read only between phases:
 * the inspector's forced GC would pause the isolate inside a measured phase.
 */
export async function noisyNeighbour(edge: HostileEdge, bench: BenchSeeds, options: { seconds: number; log: (line: string) => void }): Promise<NoisyNeighbour> {
  const quiet = await edge.tenant('quiet');
  const spam = bench.adapters.find((a) => a.label === 'graft-train-hybrid')!;
  const up = await quiet.upload('spam', spam.manifest, spam.model);
  if (up.status !== 201) throw new Error(`quiet upload: ${up.status} ${await up.text()}`);
  const noisy = await edge.tenant('noisy');
  const accepted: string[] = [];
  const refused: Record<string, string> = {};
  for (let i = 0; i < BIG_HEADS; i++) {
    const { manifest, model, kind } = bigHead(i, bench.text);
    const res = await noisy.upload(manifest.name, manifest, model);
    const answer = await answerOf(res);
    if (answer.code === 'ok') accepted.push(manifest.name);
    else refused[`${manifest.name} (${kind}, ${model.length} bytes)`] = answer.code;
  }
  const shoes = bench.adapters.find((a) => a.label === 'mobilenet-linear')!;
  if ((await noisy.upload('shoes', shoes.manifest, shoes.model)).status !== 201) throw new Error('noisy: shoes upload failed');
  if (accepted.length === 0) throw new Error(`every big head was refused: ${JSON.stringify(refused)}`);
  options.log(`  noisy: ${accepted.length} wide heads accepted, ${Object.keys(refused).length} refused`);

  const quietBodies = sampleTexts(64).map((t) => ({ body: new TextEncoder().encode(JSON.stringify({ inputs: [t] })), type: 'application/json' }));
  const quietLane: Lane = { label: 'quiet', next: (i) => ({ path: '/v1/adapters/spam/predict', body: quietBodies[i % quietBodies.length]! }) };
  const batch = maxTextBatch();
  const images = await largestImageBatch(async ({ body, type }) => {
    const sent = await noisy.http.send('POST', '/v1/adapters/shoes/predict', body, type);
    return 'error' in sent ? `connection: ${sent.error}` : (await answerOf(sent.response)).code;
  });
  const window = (i: number) => Array.from({ length: Math.min(8, accepted.length) }, (_, k) => accepted[(i + k) % accepted.length]!);
  const multiBodies = accepted.map((_, i) => maxTextBatch({ adapters: window(i) }));
  const oversized = oversizedRequests({ text: accepted, image: 'shoes' }, bench.images.find((i) => i.name === 'scene.jpg')!.bytes);
  const noisyLanes: Lane[] = [
    { label: '64 × 100,000 chars over 8 wide heads (/v1/predict)', next: (i) => ({ path: '/v1/predict', body: multiBodies[i % multiBodies.length]! }) },
    { label: '64 × 100,000 chars, one wide head at a time', next: (i) => ({ path: `/v1/adapters/${accepted[i % accepted.length]}/predict`, body: batch }) },
    { label: `${images.images} × ${images.side}² JPEG, the largest accepted (MobileNetV2)`, next: () => ({ path: '/v1/adapters/shoes/predict', body: images.form }) },
    { label: 'over a limit (refused)', next: (i) => oversized[i % oversized.length]! },
  ];

  // Warm-up: every lane once, so no phase pays a first load.
  for (const lane of [quietLane, ...noisyLanes]) {
    for (let i = 0; i < (lane === quietLane ? 20 : 1); i++) {
      const { path, body } = lane.next(i);
      const t = performance.now();
      const sent = await (lane === quietLane ? quiet : noisy).http.send('POST', path, body.body, body.type);
      if (i === 0) options.log(`  warm-up ${lane.label}: ${'error' in sent ? sent.error : sent.response.status} in ${(performance.now() - t).toFixed(0)} ms`);
    }
  }
  const memoryBefore = await settledMemory(edge, performance.now());
  const phase = async (label: string, attacked: boolean) => {
    let stop = false;
    const running = [closedLoop(quiet, quietLane, () => stop), ...(attacked ? noisyLanes.map((lane) => closedLoop(noisy, lane, () => stop)) : [])];
    await sleep(options.seconds * 1000);
    stop = true;
    const [quietResult, ...noisyResults] = await Promise.all(running);
    options.log(`  ${label}: quiet p50 ${quietResult!.p50_ms} ms, p99 ${quietResult!.p99_ms} ms over ${quietResult!.requests} requests`);
    return { quiet: quietResult!, noisy: noisyResults };
  };
  const soloBefore = await phase('solo', false);
  const attacked = await phase('attacked', true);
  const soloAfter = await phase('solo again', false);
  const memoryAfter = await settledMemory(edge, performance.now());
  const strip = ({ times: _times, ...rest }: LaneResult & { times: number[] }) => rest;
  const soloP99 = summary([...soloBefore.quiet.times, ...soloAfter.quiet.times]).p99_ms;
  const errors = [soloBefore, attacked, soloAfter].reduce((n, p) => n + p.quiet.requests - (p.quiet.codes.ok ?? 0), 0);
  const ratio = +(attacked.quiet.p99_ms / soloP99).toFixed(2);
  return {
    seconds_per_phase: options.seconds,
    quiet: { request: 'one SpamAssassin body (≤ 1,000 chars) to the graft-train hybrid head', solo_before: strip(soloBefore.quiet), attacked: strip(attacked.quiet), solo_after: strip(soloAfter.quiet), solo_p99_ms: soloP99, p99_ratio: ratio, within_2x: ratio <= 2, errors },
    noisy: {
      heads: { accepted, refused },
      max_images: { images: images.images, side: images.side, image_bytes: images.image_bytes, refused: images.refused },
      lanes: Object.fromEntries(noisyLanes.map((lane, i) => [lane.label, strip(attacked.noisy[i]!)])),
    },
    memory_before: memoryBefore,
    memory_after: memoryAfter,
  };
}
