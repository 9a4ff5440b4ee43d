import { BackboneManifest } from '../../core/schemas/backbone-manifest';
import { BackbonePointer } from '../../core/storage/backbone-pointer';
import { BACKBONES_PREFIX, backboneManifestKey, backbonePointerKey } from '../../core/storage/keys';
import { BACKBONE_CATALOG_TTL_MS } from '../limits';

/** The backbones the edge serves: for each id, the manifest its `current.json` points at. */
export type Catalog = ReadonlyMap<string, BackboneManifest>;

let cached: { catalog: Promise<Catalog>; expires: number } | undefined;

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

export function backboneCatalog(bucket: R2Bucket): Promise<Catalog> {
  const now = Date.now();
  if (!cached || cached.expires <= now) {
    const catalog = loadCatalog(bucket);
    cached = { catalog, expires: now + BACKBONE_CATALOG_TTL_MS };
    // A failed read must not be cached for a minute.
    catalog.catch(() => (cached = undefined));
  }
  return cached.catalog;
}
