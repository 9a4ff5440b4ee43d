export interface TtlCacheLimits {
  /** Most entries kept. */
  maxEntries?: number;
  /** Most bytes kept, as the callers of `set` estimate them. */
  maxBytes?: number;
}

interface Entry<V> {
  value: V;
  expires: number;
  bytes: number;
}

/**
 * A small per-isolate map whose entries expire; for facts D1 owns and we may serve slightly stale.
 * Bounded by entries and by estimated bytes: past either, the least recently used entries go.
 */
export class TtlCache<V> {
  // Map order is recency order: a hit moves its entry to the end, eviction takes from the front.
  private readonly entries = new Map<string, Entry<V>>();
  private readonly maxEntries: number;
  private readonly maxBytes: number;
  private heldBytes = 0;

  constructor(
    private readonly ttlMs: number,
    { maxEntries = 10_000, maxBytes = Infinity }: TtlCacheLimits = {},
  ) {
    this.maxEntries = maxEntries;
    this.maxBytes = maxBytes;
  }

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.expires <= Date.now()) {
      this.heldBytes -= entry.bytes;
      return undefined;
    }
    this.entries.set(key, entry);
    return entry.value;
  }

  /** Stores `value`, estimated at `bytes`; one larger than the whole budget is not kept. */
  set(key: string, value: V, bytes = 0): void {
    this.delete(key);
    if (bytes > this.maxBytes) return;
    this.entries.set(key, { value, expires: Date.now() + this.ttlMs, bytes });
    this.heldBytes += bytes;
    while (this.entries.size > this.maxEntries || this.heldBytes > this.maxBytes) this.delete(this.entries.keys().next().value!);
  }

  delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.heldBytes -= entry.bytes;
  }

  /** Drops every key starting with `prefix`. */
  deletePrefix(prefix: string): void {
    for (const key of this.entries.keys()) if (key.startsWith(prefix)) this.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }

  /** The estimated bytes held. */
  get bytes(): number {
    return this.heldBytes;
  }
}
