/**
 * Edge limits that code outside the worker needs too: `graft deploy` budgets isolate memory with
 * the adapter cache the edge will really use. Here, not in functions/limits.ts (which re-exports
 * them), because infra/ may not import functions/. Per-request ceilings (batch sizes, body bytes)
 * are in API_LIMITS (core/schemas/api.ts), which the CLI batches by.
 */

const MiB = 1024 * 1024;

/** Bytes of adapter ONNX sessions kept per isolate (LRU, see functions/serving/adapter-cache.ts)
 * when the deployment sets none. An isolate has 128 MB: ORT's wasm heap, the backbone (~32 MB for
 * GloVe) and requests need the rest. */
export const ADAPTER_CACHE_BYTES = 32 * MiB;

/** Most the `ADAPTER_CACHE_BYTES` var may raise the cache to: the budget is an operational knob
 * (benchmarks shrink it to force eviction), but past this the isolate has no room left. */
export const MAX_ADAPTER_CACHE_BYTES = 96 * MiB;

/** A deployment var (wrangler `vars` arrive as strings) as a limit: a positive integer, capped at
 * `ceiling`; anything else, or no var, gives `fallback`. */
export function limitFromVar(value: string | undefined, fallback: number, ceiling = fallback): number {
  const n = Number(value);
  return value !== undefined && Number.isSafeInteger(n) && n > 0 ? Math.min(n, ceiling) : fallback;
}

/** The adapter-cache budget an isolate uses for the deployment's `ADAPTER_CACHE_BYTES` var. */
export function adapterCacheBytesFor(value: string | undefined): number {
  return limitFromVar(value, ADAPTER_CACHE_BYTES, MAX_ADAPTER_CACHE_BYTES);
}
