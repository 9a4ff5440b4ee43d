import type { HostileEdge, MemorySample } from './hostile-edge';

/** Samples the isolate's memory every `everyMs` until stopped; the series includes a last sample at the stop. */
export function memorySeries(edge: HostileEdge, everyMs: number, t0 = performance.now()): { stop(): Promise<MemorySample[]> } {
  const samples: MemorySample[] = [];
  let pending: Promise<void> = Promise.resolve();
  const take = () => {
    pending = pending.then(async () => {
      samples.push(await edge.memory(t0));
    });
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    async stop() {
      clearInterval(timer);
      take();
      await pending;
      return samples;
    },
  };
}

/**
 * The isolate's memory once it is quiet: three samples a second apart, the least of each figure.
 * ArrayBuffers and RSS fall only as V8 finalises what a GC freed, so one sample right after
 * traffic overstates what is live.
 */
export async function settledMemory(edge: HostileEdge, t0: number): Promise<MemorySample> {
  const samples: MemorySample[] = [];
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    samples.push(await edge.memory(t0));
  }
  const least = (f: (s: MemorySample) => number | undefined) => {
    const values = samples.map(f).filter((v): v is number => v !== undefined);
    return values.length ? Math.min(...values) : undefined;
  };
  return {
    ...samples.at(-1)!,
    js_heap_bytes: least((s) => s.js_heap_bytes),
    array_buffer_bytes: least((s) => s.array_buffer_bytes),
    workerd_rss_bytes: least((s) => s.workerd_rss_bytes),
  };
}

/** Least-squares slope of `value` over time, in units per minute: near zero for a flat series. */
export function slopePerMinute(samples: readonly MemorySample[], value: (s: MemorySample) => number | undefined): number | undefined {
  const points = samples.flatMap((s) => {
    const v = value(s);
    return v === undefined ? [] : [[s.t_s / 60, v] as const];
  });
  if (points.length < 3) return undefined;
  const mx = points.reduce((a, [x]) => a + x, 0) / points.length;
  const my = points.reduce((a, [, y]) => a + y, 0) / points.length;
  const sxx = points.reduce((a, [x]) => a + (x - mx) ** 2, 0);
  return sxx === 0 ? undefined : Math.round(points.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0) / sxx);
}
