import type { BackboneManifest } from '../../core/schemas/backbone-manifest';
import type { BundleSize } from './bundle-size';
import { formatMiB, ISOLATE_RESERVE_BYTES, R2_LIMITS, WORKER_LIMITS } from './workers-limits';

export interface Check {
  ok: boolean;
  /** A warning does not stop the deploy (e.g. fits Paid but not Free). */
  warning?: boolean;
  line: string;
}

export function checkBundle(size: BundleSize): Check[] {
  const gz = size.gzip;
  return [
    {
      ok: size.raw <= WORKER_LIMITS.raw,
      line: `worker bundle ${formatMiB(size.raw)} uncompressed (limit ${formatMiB(WORKER_LIMITS.raw)})`,
    },
    {
      ok: gz <= WORKER_LIMITS.gzipPaid,
      warning: gz > WORKER_LIMITS.gzipFree && gz <= WORKER_LIMITS.gzipPaid,
      line:
        `worker bundle ${formatMiB(gz)} gzip: ` +
        (gz <= WORKER_LIMITS.gzipFree
          ? `within the Free plan's ${formatMiB(WORKER_LIMITS.gzipFree)}`
          : gz <= WORKER_LIMITS.gzipPaid
            ? `over the Free plan's ${formatMiB(WORKER_LIMITS.gzipFree)}, within Workers Paid's ${formatMiB(WORKER_LIMITS.gzipPaid)}`
            : `over Workers Paid's ${formatMiB(WORKER_LIMITS.gzipPaid)}`),
    },
  ];
}

/**
 * Each backbone is read from R2 into memory and copied into ORT's wasm heap, so it counts twice
 * against the isolate, next to the adapter-session cache and a fixed reserve.
 */
export function checkBackbones(manifests: readonly BackboneManifest[], adapterCacheBytes: number): Check[] {
  const checks: Check[] = manifests.map((m) => {
    const largest = Math.max(m.bytes, ...m.assets.map((a) => a.bytes));
    const ok = largest <= R2_LIMITS.wranglerPut;
    return { ok, line: `backbone ${m.id}: ${formatMiB(m.bytes)} model, ${m.assets.length} asset(s); largest object ${ok ? 'within' : 'over'} the ${formatMiB(R2_LIMITS.wranglerPut)} upload limit` };
  });
  const backbones = manifests.reduce((sum, m) => sum + 2 * m.bytes + m.assets.reduce((s, a) => s + a.bytes, 0), 0);
  const total = backbones + adapterCacheBytes + ISOLATE_RESERVE_BYTES;
  checks.push({
    ok: total <= WORKER_LIMITS.isolateMemory,
    line: `isolate memory estimate ${formatMiB(total)} of ${formatMiB(WORKER_LIMITS.isolateMemory)}: backbones ${formatMiB(backbones)} (model ×2) + adapter cache ${formatMiB(adapterCacheBytes)} + runtime reserve ${formatMiB(ISOLATE_RESERVE_BYTES)}`,
  });
  return checks;
}
