/**
 * Cloudflare limits the deploy checks against. Sources and the reason both size rules are kept are
 * in docs/decisions/0012-worker-size-limits.md.
 */
const MiB = 1024 * 1024;

export const WORKER_LIMITS = {
  /** Compressed (gzip) script size, Workers Free; also the threshold wrangler 4.85's size report colours against. */
  gzipFree: 3 * MiB,
  /** Compressed (gzip) script size, Workers Paid. */
  gzipPaid: 10 * MiB,
  /** Uncompressed script size, every plan. */
  raw: 64 * MiB,
  /** Memory of one isolate, every plan. */
  isolateMemory: 128 * MiB,
} as const;

export const R2_LIMITS = {
  /** `wrangler r2 object put` refuses larger files (R2 itself takes 5 GiB in one PUT). */
  wranglerPut: 300 * MiB,
} as const;

/**
 * What the isolate needs besides backbones and the adapter cache: ORT's wasm instance and heap,
 * the bundle's code, request buffers. An estimate; the serving benchmarks measure the real thing.
 */
export const ISOLATE_RESERVE_BYTES = 40 * MiB;

export const formatMiB = (bytes: number) => `${(bytes / MiB).toFixed(2)} MiB`;
