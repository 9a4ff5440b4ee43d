import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TtlCache } from '../../functions/serving/ttl-cache';

describe('TtlCache', () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  it('expires entries after the TTL and gives their bytes back', () => {
    const cache = new TtlCache<string>(2_000);
    cache.set('a', 'A', 100);
    vi.advanceTimersByTime(1_999);
    expect(cache.get('a')).toBe('A');
    vi.advanceTimersByTime(1);
    expect(cache.get('a')).toBeUndefined();
    expect({ size: cache.size, bytes: cache.bytes }).toEqual({ size: 0, bytes: 0 });
  });

  it('keeps at most maxEntries, dropping the least recently used', () => {
    const cache = new TtlCache<number>(60_000, { maxEntries: 3 });
    for (const key of ['a', 'b', 'c']) cache.set(key, 1);
    expect(cache.get('a')).toBe(1);
    cache.set('d', 1);
    expect(['a', 'b', 'c', 'd'].map((k) => cache.get(k) !== undefined)).toEqual([true, false, true, true]);
    expect(cache.size).toBe(3);
  });

  it('keeps at most maxBytes, dropping the least recently used first', () => {
    const cache = new TtlCache<number>(60_000, { maxBytes: 1_000 });
    for (let i = 0; i < 4; i++) cache.set(`k${i}`, i, 250);
    expect(cache.bytes).toBe(1_000);
    cache.get('k0');
    cache.set('big', 9, 400);
    // k1 and k2 were least recently used; k0 was just read.
    expect(['k0', 'k1', 'k2', 'k3', 'big'].map((k) => cache.get(k))).toEqual([0, undefined, undefined, 3, 9]);
    expect(cache.bytes).toBe(900);
  });

  it('does not keep an entry larger than the whole budget, nor evict for it', () => {
    const cache = new TtlCache<number>(60_000, { maxBytes: 1_000 });
    cache.set('small', 1, 10);
    cache.set('huge', 2, 1_001);
    expect(cache.get('huge')).toBeUndefined();
    expect(cache.get('small')).toBe(1);
  });

  it('accounts replaced and deleted entries', () => {
    const cache = new TtlCache<number>(60_000, { maxBytes: 1_000 });
    cache.set('t/a/live', 1, 300);
    cache.set('t/a/live', 2, 200);
    cache.set('t/a/1', 3, 100);
    cache.set('t/b/live', 4, 50);
    expect(cache.bytes).toBe(350);
    cache.deletePrefix('t/a/');
    expect({ size: cache.size, bytes: cache.bytes, b: cache.get('t/b/live') }).toEqual({ size: 1, bytes: 50, b: 4 });
    cache.delete('t/b/live');
    cache.delete('missing');
    expect({ size: cache.size, bytes: cache.bytes }).toEqual({ size: 0, bytes: 0 });
  });

  it('stays within its byte budget under many distinct keys', () => {
    const cache = new TtlCache<object>(60_000, { maxBytes: 64 * 1024 });
    for (let i = 0; i < 10_000; i++) {
      cache.set(`tenant/head-${i}/live`, { i }, 700 + (i % 13) * 100);
      expect(cache.bytes).toBeLessThanOrEqual(64 * 1024);
    }
    expect(cache.get('tenant/head-9999/live')).toEqual({ i: 9999 });
    expect(cache.get('tenant/head-0/live')).toBeUndefined();
  });
});
