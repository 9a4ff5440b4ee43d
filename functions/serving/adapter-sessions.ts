import { denseHeadFromBytes } from '../../core/heads/dense-head';
import { sha256Hex } from '../../core/hash/sha256';
import type { Env } from '../env';
import { limitsFor } from '../limits';
import { HEAD_SESSION_OPTIONS, newSession } from './ort-state';
import { AdapterCache, denseCost, sessionCost, type LoadedAdapter } from './adapter-cache';
import type { AdapterVersion } from './adapter-versions';

let cache: AdapterCache | undefined;
const pending = new Map<string, Promise<LoadedAdapter>>();

export function adapterCache(env: Env): AdapterCache {
  cache ??= new AdapterCache(limitsFor(env).adapterCacheBytes);
  return cache;
}

export function cacheKey(v: Pick<AdapterVersion, 'tenant' | 'name' | 'version'>): string {
  return `${v.tenant}/${v.name}/${v.version}`;
}

async function load(env: Env, v: AdapterVersion): Promise<LoadedAdapter> {
  const object = await env.ARTIFACTS.get(v.blobKey);
  if (!object) throw new Error(`adapter blob ${v.blobKey} is missing`);
  const bytes = new Uint8Array(await object.arrayBuffer());
  if ((await sha256Hex(bytes)) !== v.sha256) throw new Error(`adapter blob ${v.blobKey} does not match its sha256`);
  // Validated and trial-run at upload; a head of headModel's shape needs no ORT session.
  const dense = denseHeadFromBytes(bytes);
  if (dense) return { manifest: v.manifest, dense, inputName: dense.inputName, cost: denseCost(dense) };
  const session = await newSession(bytes, HEAD_SESSION_OPTIONS);
  return { manifest: v.manifest, session, inputName: session.inputNames[0]!, cost: sessionCost(bytes.length) };
}

/** A pinned session for this version; pair every call with `releaseAdapter`. Concurrent misses
 * for one version share one R2 read and one session. */
export async function acquireAdapter(env: Env, v: AdapterVersion): Promise<LoadedAdapter> {
  const lru = adapterCache(env);
  const key = cacheKey(v);
  for (;;) {
    const hit = lru.acquire(key);
    if (hit) return hit;
    const inflight = pending.get(key);
    if (inflight) {
      await inflight.catch(() => undefined);
      continue;
    }
    const loading = load(env, v);
    pending.set(key, loading);
    try {
      const adapter = await loading;
      lru.insertPinned(key, adapter);
      return adapter;
    } finally {
      pending.delete(key);
    }
  }
}

export function releaseAdapter(env: Env, v: AdapterVersion, adapter: LoadedAdapter): void {
  adapterCache(env).release(cacheKey(v), adapter);
}

/** Keeps the session the upload's trial run created, so the first prediction skips a load. */
export function adoptSession(env: Env, v: Pick<AdapterVersion, 'tenant' | 'name' | 'version'>, adapter: LoadedAdapter): void {
  const lru = adapterCache(env);
  lru.insertPinned(cacheKey(v), adapter);
  lru.release(cacheKey(v), adapter);
}
