import type { AdapterManifest } from '../../core/schemas/adapter-manifest';
import type { InferenceSession } from '../runtime/ort-web';

export interface LoadedAdapter {
  manifest: AdapterManifest;
  session: InferenceSession;
  inputName: string;
  /** Estimated resident bytes, what the budget counts. */
  cost: number;
}

interface Entry {
  adapter: LoadedAdapter;
  pins: number;
}

/** What an ORT session holds beyond its weights (graph, kernels, arena); measured, see report. */
export const SESSION_OVERHEAD_BYTES = 64 * 1024;

/** ORT keeps a copy of the initializers; the protobuf bytes are dropped after session creation. */
export function sessionCost(modelBytes: number): number {
  return modelBytes * 2 + SESSION_OVERHEAD_BYTES;
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
    if (!entry) return undefined;
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
      void adapter.session.release();
    }
  }

  private unlink(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.total -= entry.adapter.cost;
    if (entry.pins === 0) void entry.adapter.session.release();
    else this.orphans.set(entry.adapter, entry);
  }

  private evictOverBudget(keep: string): void {
    for (const [key, entry] of this.entries) {
      if (this.total <= this.budget) break;
      if (key !== keep) this.unlink(key, entry);
    }
  }
}
