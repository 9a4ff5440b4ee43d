import { answerOf, type Answer } from './answer';
import { fuzzCase, type FuzzCase } from './fuzz-cases';
import type { FuzzSeeds } from './fuzz-seeds';
import { multipartBody } from './multipart-body';

/** One request to the edge as the fuzzing tenant (its key already applied). */
export type Send = (request: { method: string; path: string; body?: Uint8Array; type?: string }) => Promise<Response>;

/** A case whose answer broke the contract: enough to replay it (seed and index) and to read why. */
export interface Violation {
  index: number;
  family: string;
  mutation: string;
  seed: string;
  step: 'request' | 'follow-up predict' | 'delete';
  status?: number;
  code?: string;
  why: string;
  excerpt: string;
}

export interface FuzzReport {
  seed: number;
  cases: number;
  requests: number;
  seconds: number;
  /** Answers to the mutated requests by code ('ok' for 2xx). */
  codes: Record<string, number>;
  by_family: Record<string, Record<string, number>>;
  /** By mutation kind (the part of its name before ':'), for the record. */
  by_mutation: Record<string, Record<string, number>>;
  /** Time to answer, per family: how fast refusals are. */
  ms_by_family: Record<string, { p50_ms: number; p99_ms: number; max_ms: number }>;
  accepted_uploads: number;
  /** Answers to the predict that follows each accepted mutant upload. */
  follow_up_codes: Record<string, number>;
  violations: Violation[];
}

const count = (table: Record<string, number>, key: string) => (table[key] = (table[key] ?? 0) + 1);

function percentiles(times: number[]): { p50_ms: number; p99_ms: number; max_ms: number } {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => +(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0).toFixed(2);
  return { p50_ms: at(0.5), p99_ms: at(0.99), max_ms: at(1) };
}

/** Several rows, where the trial run checked one: a head whose batch dimension lies fails here. */
function followUpBody(seeds: FuzzSeeds, modality: 'text' | 'image'): { body: Uint8Array; type: string } {
  if (modality === 'image') return multipartBody(seeds.images.slice(0, 3).map((image) => ({ name: 'image', data: image.bytes, filename: image.name })));
  const inputs = [seeds.text, seeds.text.toUpperCase(), 'minutes of the meeting', ''];
  return { body: new TextEncoder().encode(JSON.stringify({ inputs, top_k: 2 })), type: 'application/json' };
}

/** A request that threw (connection reset, workerd gone) is a crash; an answer may break the contract. */
async function attempt(send: Send, request: Parameters<Send>[0]): Promise<Answer | { thrown: string }> {
  try {
    return await answerOf(await send(request));
  } catch (error) {
    return { thrown: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
}

export interface FuzzOptions {
  seeds: FuzzSeeds;
  seed: number;
  count: number;
  send: Send;
  /** Cases in flight at once; each case's own requests stay in order. */
  parallel?: number;
  log?: (line: string) => void;
}

/**
 * Sends `count` seeded cases (fuzz-cases.ts) and checks every answer: a 2xx, or a 4xx
 * problem+json with a `code`; audio sent as an image must be refused. An accepted mutant upload
 * is predicted once (a mutant that validates must still serve or be refused cleanly), then deleted.
 */
export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const { seeds, seed, send } = options;
  const report: FuzzReport = { seed, cases: options.count, requests: 0, seconds: 0, codes: {}, by_family: {}, by_mutation: {}, ms_by_family: {}, accepted_uploads: 0, follow_up_codes: {}, violations: [] };
  const times: Record<string, number[]> = {};
  const started = performance.now();
  const check = (c: FuzzCase, step: Violation['step'], result: Answer | { thrown: string }): Answer | undefined => {
    report.requests++;
    if ('thrown' in result) {
      report.violations.push({ index: c.index, family: c.family, mutation: c.mutation, seed: c.seed, step, why: `crash: ${result.thrown}`, excerpt: '' });
      return undefined;
    }
    const why = result.broken ?? (step === 'request' && c.mustRefuse && result.code === 'ok' ? 'audio accepted as an image' : undefined);
    if (why) report.violations.push({ index: c.index, family: c.family, mutation: c.mutation, seed: c.seed, step, status: result.status, code: result.code, why, excerpt: result.excerpt });
    return result;
  };
  const runCase = async (index: number) => {
    const c = fuzzCase(seeds, seed, index);
    const t0 = performance.now();
    const answer = check(c, 'request', await attempt(send, c.request));
    (times[c.family] ??= []).push(performance.now() - t0);
    if (!answer) return;
    count(report.codes, answer.code);
    count((report.by_family[c.family] ??= {}), answer.code);
    count((report.by_mutation[c.mutation.split(':')[0]!] ??= {}), answer.code);
    if (!c.followUp || answer.status !== 201) return;
    report.accepted_uploads++;
    const { adapter, modality } = c.followUp;
    const predicted = check(c, 'follow-up predict', await attempt(send, { method: 'POST', path: `/v1/adapters/${adapter}/predict`, ...followUpBody(seeds, modality) }));
    if (predicted) count(report.follow_up_codes, predicted.code);
    check(c, 'delete', await attempt(send, { method: 'DELETE', path: `/v1/adapters/${adapter}` }));
  };
  let next = 0;
  const lanes = Array.from({ length: options.parallel ?? 1 }, async () => {
    for (let index = next++; index < options.count; index = next++) {
      await runCase(index);
      if ((index + 1) % 1000 === 0) options.log?.(`  fuzz: ${index + 1}/${options.count} cases, ${report.violations.length} violations`);
    }
  });
  await Promise.all(lanes);
  report.seconds = +((performance.now() - started) / 1000).toFixed(1);
  report.ms_by_family = Object.fromEntries(Object.entries(times).map(([family, t]) => [family, percentiles(t)]));
  return report;
}
