import { BackboneManifest } from '../../core/schemas/backbone-manifest';
import { BackbonePointer } from '../../core/storage/backbone-pointer';
import { BACKBONES_PREFIX, backboneManifestKey, backbonePointerKey } from '../../core/storage/keys';
import { BACKBONE_CATALOG_TTL_MS } from '../limits';

/** The backbones the edge serves: for each id, the manifest its `current.json` points at. */
export type Catalog = ReadonlyMap<string, BackboneManifest>;

let cached: { catalog: Catalog; expires: number } | undefined;

async function readJson(bucket: R2Bucket, key: string): Promise<unknown> {
  const object = await bucket.get(key);
  return object ? object.json() : undefined;
}

async function loadEntry(bucket: R2Bucket, id: string): Promise<BackboneManifest | undefined> {
  const pointer = BackbonePointer.safeParse(await readJson(bucket, backbonePointerKey(id)));
  if (!pointer.success) return undefined;
  const manifest = BackboneManifest.safeParse(await readJson(bucket, backboneManifestKey(id, pointer.data.sha256)));
  // A pointer ahead of its manifest, or a manifest for other bytes, is skipped, not served.
  if (!manifest.success || manifest.data.id !== id || manifest.data.sha256 !== pointer.data.sha256) return undefined;
  return manifest.data;
}

async function loadCatalog(bucket: R2Bucket): Promise<Catalog> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await bucket.list({ prefix: BACKBONES_PREFIX, delimiter: '/', ...(cursor ? { cursor } : {}) });
    for (const prefix of page.delimitedPrefixes) ids.push(prefix.slice(BACKBONES_PREFIX.length, -1));
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  const entries = await Promise.all(ids.map(async (id) => [id, await loadEntry(bucket, id)] as const));
  return new Map(entries.filter((e): e is readonly [string, BackboneManifest] => e[1] !== undefined));
}

/** Past this, a refresh that never finished (its request was cancelled) no longer blocks another. */
const REFRESH_GIVE_UP_MS = 10_000;
let refreshingSince: number | undefined;

/**
 * No request awaits a read another request started: workerd cancels such a request as hung. While
 * one request refreshes an expired catalog the others serve the previous one; with none yet, each
 * reads its own. A failed read is not cached.
 */
export async function backboneCatalog(bucket: R2Bucket): Promise<Catalog> {
  const now = Date.now();
  if (cached && cached.expires > now) return cached.catalog;
  if (cached && refreshingSince !== undefined && now - refreshingSince < REFRESH_GIVE_UP_MS) return cached.catalog;
  refreshingSince = now;
  try {
    const catalog = await loadCatalog(bucket);
    cached = { catalog, expires: Date.now() + BACKBONE_CATALOG_TTL_MS };
    return catalog;
  } finally {
    refreshingSince = undefined;
  }
}
