import type { DenseHead } from '../../core/heads/dense-head';
import type { AdapterManifest } from '../../core/schemas/adapter-manifest';
import type { InferenceSession } from '../runtime/ort-web';

/** A head ready to run: evaluated in TypeScript (`dense`) when its graph allows, else an ORT session. */
export interface LoadedAdapter {
  manifest: AdapterManifest;
  session?: InferenceSession;
  dense?: DenseHead;
  inputName: string;
  /** Estimated resident bytes, what the budget counts. */
  cost: number;
}

interface Entry {
  adapter: LoadedAdapter;
  pins: number;
}

/** What an ORT session holds whatever its size (graph, kernels, JS wrapper). */
export const SESSION_OVERHEAD_BYTES = 64 * 1024;

/**
 * Resident bytes of one head session, an upper estimate. Measured by test/worker/adapter-cache
 * (workerd RSS with every session kept, minus a run keeping one): a 0.5 KiB head costs ~49 KB,
 * a 48 KiB head ~276 KB: ORT holds the initializers several times over (decoded tensors,
 * pre-packed Gemm weights).
 */
export function sessionCost(modelBytes: number): number {
  return modelBytes * 6 + SESSION_OVERHEAD_BYTES;
}

/** What a dense head holds besides its weights (layer objects, typed-array headers, the cache
 * entry and key), an upper estimate checked by test/bench/serve's memory-per-adapter figure. */
export const DENSE_OVERHEAD_BYTES = 4 * 1024;

export function denseCost(head: DenseHead): number {
  return head.bytes + DENSE_OVERHEAD_BYTES;
}

export function releaseLoaded(adapter: LoadedAdapter): void {
  void adapter.session?.release();
}

/**
 * Adapter sessions per isolate, least recently used first out, bounded by estimated bytes rather
 * than count so one large head cannot crowd the isolate. A session in use by a request is pinned:
 * eviction unlinks it at once but releases it only when the last request lets go.
 */
export class AdapterCache {
  private readonly entries = new Map<string, Entry>();
  /** Evicted while pinned: released when the last request lets go. */
  private readonly orphans = new Map<LoadedAdapter, Entry>();
  private total = 0;
  /** Lookups since the isolate started, for /healthz. */
  hits = 0;
  misses = 0;

  constructor(private readonly budget: number) {}

  get size(): number {
    return this.entries.size;
  }

  get bytes(): number {
    return this.total;
  }

  /** Pins and returns the adapter, marking it most recently used. */
  acquire(key: string): LoadedAdapter | undefined {
    const entry = this.entries.get(key);
    if (!entry) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.entries.delete(key);
    this.entries.set(key, entry);
    entry.pins++;
    return entry.adapter;
  }

  /** Inserts a freshly loaded adapter, already pinned once for the caller. */
  insertPinned(key: string, adapter: LoadedAdapter): void {
    const existing = this.entries.get(key);
    if (existing) this.unlink(key, existing);
    this.entries.set(key, { adapter, pins: 1 });
    this.total += adapter.cost;
    this.evictOverBudget(key);
  }

  release(key: string, adapter: LoadedAdapter): void {
    const entry = this.entries.get(key);
    if (entry && entry.adapter === adapter) {
      entry.pins--;
      return;
    }
    const orphan = this.orphans.get(adapter);
    if (orphan && --orphan.pins === 0) {
      this.orphans.delete(adapter);
      releaseLoaded(adapter);
    }
  }

  private unlink(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.total -= entry.adapter.cost;
    if (entry.pins === 0) releaseLoaded(entry.adapter);
    else this.orphans.set(entry.adapter, entry);
  }

  private evictOverBudget(keep: string): void {
    for (const [key, entry] of this.entries) {
      if (this.total <= this.budget) break;
      if (key !== keep) this.unlink(key, entry);
    }
  }
}
