import { releaseHead, type LoadedHead } from './loaded-head';

interface Entry {
  adapter: LoadedHead;
  pins: number;
}

/**
 * Adapter sessions per isolate, least recently used first out, bounded by estimated bytes rather
 * than count so one large head cannot crowd the isolate. A session in use by a request is pinned:
 * eviction unlinks it at once but releases it only when the last request lets go.
 */
export class AdapterCache {
  private readonly entries = new Map<string, Entry>();
  /** Evicted while pinned: released when the last request lets go. */
  private readonly orphans = new Map<LoadedHead, Entry>();
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
  acquire(key: string): LoadedHead | undefined {
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
  insertPinned(key: string, adapter: LoadedHead): void {
    const existing = this.entries.get(key);
    if (existing) this.unlink(key, existing);
    this.entries.set(key, { adapter, pins: 1 });
    this.total += adapter.cost;
    this.evictOverBudget(key);
  }

  release(key: string, adapter: LoadedHead): void {
    const entry = this.entries.get(key);
    if (entry && entry.adapter === adapter) {
      entry.pins--;
      return;
    }
    const orphan = this.orphans.get(adapter);
    if (orphan && --orphan.pins === 0) {
      this.orphans.delete(adapter);
      releaseHead(adapter);
    }
  }

  private unlink(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.total -= entry.adapter.cost;
    if (entry.pins === 0) releaseHead(entry.adapter);
    else this.orphans.set(entry.adapter, entry);
  }

  private evictOverBudget(keep: string): void {
    for (const [key, entry] of this.entries) {
      if (this.total <= this.budget) break;
      if (key !== keep) this.unlink(key, entry);
    }
  }
}
