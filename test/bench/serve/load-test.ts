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
  body: string;
  headers?: Record<string, string>;
  connections: number;
  seconds: number;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const round = (ms: number) => +ms.toFixed(3);

/** One bounded autocannon run (loopback, keep-alive, one request in flight per connection).
 * Latencies come from its per-response event: its histogram keeps whole milliseconds only. */
export async function load(spec: LoadSpec): Promise<LoadResult> {
  const times: number[] = [];
  const instance = autocannon({
    url: spec.url,
    method: 'POST',
    body: spec.body,
    headers: { 'content-type': 'application/json', ...spec.headers },
    connections: spec.connections,
    duration: spec.seconds,
    pipelining: 1,
  });
  instance.on('response', (_client, status, _bytes, ms) => {
    if (status >= 200 && status < 300) times.push(ms);
  });
  const result = await instance;
  times.sort((a, b) => a - b);
  return {
    connections: spec.connections,
    p50_ms: round(percentile(times, 50)),
    p99_ms: round(percentile(times, 99)),
    requests_per_s: +(result.requests.total / spec.seconds).toFixed(1),
    requests: result.requests.total,
    errors: result.errors + result.timeouts,
    non_2xx: result.non2xx,
  };
}

/** Short warm-up so JIT, caches and sessions are hot before the measured run. */
export async function warm(spec: Omit<LoadSpec, 'connections' | 'seconds'>): Promise<void> {
  await load({ ...spec, connections: 4, seconds: 1 });
}
