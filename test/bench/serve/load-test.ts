import autocannon from 'autocannon';

export interface LoadResult {
  connections: number;
  p50_ms: number;
  p99_ms: number;
  requests_per_s: number;
  requests: number;
  errors: number;
  non_2xx: number;
}

export interface LoadSpec {
  url: string;
  /** Request bodies, cycled in order by every connection. */
  bodies: readonly string[];
  headers?: Record<string, string>;
  connections: number;
  seconds: number;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const round = (ms: number) => +ms.toFixed(3);

/** What one or more runs against one server saw, before summing up. */
interface Samples {
  connections: number;
  seconds: number;
  /** Latency of each 2xx response, ms. */
  times: number[];
  requests: number;
  errors: number;
  non2xx: number;
}

/** One bounded autocannon run (loopback, keep-alive, one request in flight per connection).
 * Latencies come from its per-response event: its histogram keeps whole milliseconds only. */
async function sample(spec: LoadSpec): Promise<Samples> {
  const times: number[] = [];
  const instance = autocannon({
    url: spec.url,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...spec.headers },
    requests: spec.bodies.map((body) => ({ method: 'POST', body })),
    connections: spec.connections,
    duration: spec.seconds,
    pipelining: 1,
  });
  instance.on('response', (_client, status, _bytes, ms) => {
    if (status >= 200 && status < 300) times.push(ms);
  });
  const result = await instance;
  return { connections: spec.connections, seconds: spec.seconds, times, requests: result.requests.total, errors: result.errors + result.timeouts, non2xx: result.non2xx };
}

function summarize(runs: readonly Samples[]): LoadResult {
  const times = runs.flatMap((r) => r.times).sort((a, b) => a - b);
  const sum = (f: (r: Samples) => number) => runs.reduce((total, r) => total + f(r), 0);
  return {
    connections: runs[0]!.connections,
    p50_ms: round(percentile(times, 50)),
    p99_ms: round(percentile(times, 99)),
    requests_per_s: +(sum((r) => r.requests) / sum((r) => r.seconds)).toFixed(1),
    requests: sum((r) => r.requests),
    errors: sum((r) => r.errors),
    non_2xx: sum((r) => r.non2xx),
  };
}

async function load(spec: LoadSpec): Promise<LoadResult> {
  return summarize([await sample(spec)]);
}

/**
 * Two servers under the same load, in alternating one-second slices (the order flipped every
 * round), pooled per server. On a shared machine the background load drifts over seconds; slices
 * spread that drift over both sides instead of handing it to whichever ran second.
 */
export async function loadInterleaved(a: LoadSpec, b: LoadSpec): Promise<[LoadResult, LoadResult]> {
  const slices = Math.max(1, Math.round(a.seconds));
  const runs: [Samples[], Samples[]] = [[], []];
  for (let i = 0; i < slices; i++) {
    const order = i % 2 === 0 ? [0, 1] : [1, 0];
    for (const side of order) runs[side]!.push(await sample({ ...(side === 0 ? a : b), seconds: a.seconds / slices }));
  }
  return [summarize(runs[0]), summarize(runs[1])];
}

/** Short warm-up so JIT, caches and sessions are hot before the measured run. */
export async function warm(spec: Omit<LoadSpec, 'connections' | 'seconds'>): Promise<void> {
  await load({ ...spec, connections: 4, seconds: 1 });
}
