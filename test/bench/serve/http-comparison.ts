import type { Edge } from './bench-edge';
import { loadInterleaved, warm, type LoadResult } from './load-test';
import type { Reference } from './reference-process';

export const CONCURRENCY = [1, 8, 32];

export interface Scenario {
  label: string;
  path: string;
  /** One body per request, cycled: a service classifies a different message each time. */
  bodies: readonly unknown[];
}

export interface Comparison {
  scenario: string;
  reference: LoadResult;
  workerd: LoadResult;
  p50_ratio: number;
  throughput_ratio: number;
}

/** Same requests, same load generator, one server at a time, interleaved in slices. */
export async function compare(edge: Edge, reference: Reference, scenario: Scenario, seconds: number, log: (line: string) => void): Promise<Comparison[]> {
  const bodies = scenario.bodies.map((b) => JSON.stringify(b));
  const targets = {
    reference: { url: reference.origin + scenario.path, bodies },
    workerd: { url: edge.origin + scenario.path, bodies, headers: { authorization: `Bearer ${edge.apiKey}` } },
  };
  await warm(targets.reference);
  await warm(targets.workerd);
  const out: Comparison[] = [];
  for (const connections of CONCURRENCY) {
    const [ref, edgeRun] = await loadInterleaved({ ...targets.reference, connections, seconds }, { ...targets.workerd, connections, seconds });
    const row = {
      scenario: scenario.label,
      reference: ref,
      workerd: edgeRun,
      p50_ratio: +(edgeRun.p50_ms / ref.p50_ms).toFixed(2),
      throughput_ratio: +(edgeRun.requests_per_s / ref.requests_per_s).toFixed(2),
    };
    log(`${scenario.label} c=${connections}: ref p50 ${ref.p50_ms} ms ${ref.requests_per_s}/s · workerd p50 ${edgeRun.p50_ms} ms p99 ${edgeRun.p99_ms} ms ${edgeRun.requests_per_s}/s (errors ${edgeRun.errors + edgeRun.non_2xx}) → ${row.p50_ratio}× p50, ${row.throughput_ratio}× rps`);
    out.push(row);
  }
  return out;
}
