import { sha256Hex } from '../../core/hash/sha256';
import type { Env } from '../env';
import { Problem } from '../problems';
import { ADAPTER_CACHE_TENANT_SHARE, limitsFor } from '../limits';
import { AdapterCache } from './adapter-cache';
import type { AdapterVersion } from './adapter-versions';
import { loadHead, type LoadedHead } from './loaded-head';

let cache: AdapterCache | undefined;

export function adapterCache(env: Env): AdapterCache {
  if (!cache) {
    const budget = limitsFor(env).adapterCacheBytes;
    cache = new AdapterCache(budget, budget * ADAPTER_CACHE_TENANT_SHARE);
  }
  return cache;
}

export function cacheKey(v: Pick<AdapterVersion, 'tenant' | 'name' | 'version'>): string {
  return `${v.tenant}/${v.name}/${v.version}`;
}

async function load(env: Env, v: AdapterVersion): Promise<LoadedHead> {
  const object = await env.ARTIFACTS.get(v.blobKey);
  if (!object) throw new Problem('adapter_blob_corrupt', `the model of ${v.name} version ${v.version} is missing from storage`);
  const bytes = new Uint8Array(await object.arrayBuffer());
  if ((await sha256Hex(bytes)) !== v.sha256) throw new Problem('adapter_blob_corrupt', `the stored model of ${v.name} version ${v.version} does not match its sha256`);
  // Validated and trial-run at upload.
  return loadHead(bytes, v.manifest);
}

/** A pinned head for this version; pair every call with `releaseAdapter`. Each miss loads for
 * itself: workerd cancels a request that awaits another request's I/O as hung (seen at ~1 in
 * 5,000 Zipf-ordered predictions when concurrent misses shared one load), and a duplicate R2 read
 * of a few KB is cheap. The last load in replaces the others in the cache. */
export async function acquireAdapter(env: Env, v: AdapterVersion): Promise<LoadedHead> {
  const lru = adapterCache(env);
  const key = cacheKey(v);
  const hit = lru.acquire(key);
  if (hit) return hit;
  const adapter = await load(env, v);
  lru.insertPinned(key, v.tenant, adapter);
  return adapter;
}

/** Frees a deleted adapter's cached heads (every version). */
export function forgetAdapterHeads(env: Env, tenant: string, name: string): void {
  adapterCache(env).deletePrefix(`${tenant}/${name}/`);
}

export function releaseAdapter(env: Env, v: AdapterVersion, adapter: LoadedHead): void {
  adapterCache(env).release(cacheKey(v), adapter);
}

/** Keeps the head the upload's trial run loaded, so the first prediction skips a load. */
export function adoptSession(env: Env, v: Pick<AdapterVersion, 'tenant' | 'name' | 'version'>, adapter: LoadedHead): void {
  const lru = adapterCache(env);
  lru.insertPinned(cacheKey(v), v.tenant, adapter);
  lru.release(cacheKey(v), adapter);
}
