import { releaseHead, type LoadedHead } from './loaded-head';

interface Entry {
  adapter: LoadedHead;
  tenant: string;
  pins: number;
}

/**
 * Adapter sessions per isolate, least recently used first out, bounded by estimated bytes rather
 * than count so one large head cannot crowd the isolate. A session in use by a request is pinned:
 * eviction unlinks it at once but releases it only when the last request lets go.
 *
 * Shared by every tenant, with a share each (decision 0043): room is made from the heads of
 * tenants holding more than `tenantShare` bytes first, least recently used first, and a tenant
 * past its share never evicts one within it: its new head is served uncached instead. A tenant
 * alone still fills the whole budget.
 */
export class AdapterCache {
  private readonly entries = new Map<string, Entry>();
  /** Evicted while pinned: released when the last request lets go. */
  private readonly orphans = new Map<LoadedHead, Entry>();
  /** Bytes each tenant's entries hold. */
  private readonly held = new Map<string, number>();
  private total = 0;
  /** Lookups since the isolate started, for /healthz. */
  hits = 0;
  misses = 0;

  constructor(
    private readonly budget: number,
    private readonly tenantShare: number,
  ) {}

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

  /** Inserts a freshly loaded adapter of `tenant`, already pinned once for the caller. */
  insertPinned(key: string, tenant: string, adapter: LoadedHead): void {
    const existing = this.entries.get(key);
    if (existing) this.unlink(key, existing);
    this.entries.set(key, { adapter, tenant, pins: 1 });
    this.account(tenant, adapter.cost);
    this.evictOverBudget(key, tenant);
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

  /** Drops every head whose key starts with `prefix` (a deleted adapter's versions): they can never
   * be served again, so they should not hold budget until the LRU reaches them. */
  deletePrefix(prefix: string): void {
    for (const [key, entry] of [...this.entries]) if (key.startsWith(prefix)) this.unlink(key, entry);
  }

  private account(tenant: string, bytes: number): void {
    const held = (this.held.get(tenant) ?? 0) + bytes;
    this.total += bytes;
    if (held > 0) this.held.set(tenant, held);
    else this.held.delete(tenant);
  }

  private overShare(tenant: string): boolean {
    return (this.held.get(tenant) ?? 0) > this.tenantShare;
  }

  private unlink(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.account(entry.tenant, -entry.adapter.cost);
    if (entry.pins === 0) releaseHead(entry.adapter);
    else this.orphans.set(entry.adapter, entry);
  }

  /** The least recently used entry other than `keep`, of a tenant past its share when `hogs`. */
  private victim(keep: string, hogs: boolean): [string, Entry] | undefined {
    for (const item of this.entries) {
      if (item[0] !== keep && (!hogs || this.overShare(item[1].tenant))) return item;
    }
    return undefined;
  }

  private evictOverBudget(keep: string, tenant: string): void {
    while (this.total > this.budget) {
      const victim = this.victim(keep, true) ?? (this.overShare(tenant) ? undefined : this.victim(keep, false));
      if (victim) {
        this.unlink(...victim);
        continue;
      }
      // Past its share with nothing of its own left to evict (or a head larger than the budget):
      // served uncached rather than at another tenant's expense.
      const kept = this.entries.get(keep);
      if (kept) this.unlink(keep, kept);
      return;
    }
  }
}
