import type { AdapterManifest } from '../../core/schemas/adapter-manifest';
import { ADAPTER_VERSIONS_CACHE_BYTES, ALIAS_STALENESS_MS } from '../limits';
import { resolveVersion } from '../stores/adapters-store';
import { TtlCache } from './ttl-cache';

/** One immutable adapter version, ready to load. */
export interface AdapterVersion {
  tenant: string;
  name: string;
  version: number;
  sha256: string;
  bytes: number;
  blobKey: string;
  manifest: AdapterManifest;
}

// Keyed `<tenant>/<name>/<version|live>`; a version's row never changes, but whether it may be
// served (delete, activate) does, hence the same short staleness for pinned lookups. Bounded by
// bytes, not only entries: a manifest may be 256 KiB, and 10,000 of those would fill the isolate.
const resolutions = new TtlCache<AdapterVersion>(ALIAS_STALENESS_MS, { maxBytes: ADAPTER_VERSIONS_CACHE_BYTES });

/** A parsed manifest holds about two bytes of heap per character of its JSON (measured in V8);
 * the rest of the entry (key, hashes, the map slot) is about as much as a small manifest. */
function versionBytes(key: string, manifestJson: string): number {
  return 2 * (key.length + manifestJson.length) + 512;
}

/** The version that serves (or the pinned one), as seen by D1 at most ALIAS_STALENESS_MS ago. */
export async function resolveAdapter(db: D1Database, tenant: string, name: string, version?: number): Promise<AdapterVersion> {
  const key = `${tenant}/${name}/${version ?? 'live'}`;
  const hit = resolutions.get(key);
  if (hit) return hit;
  const { row } = await resolveVersion(db, tenant, name, version);
  const resolved: AdapterVersion = {
    tenant,
    name,
    version: row.version,
    sha256: row.sha256,
    bytes: row.bytes,
    blobKey: row.blob_key,
    // Stored only after AdapterManifest validated it, defaults applied.
    manifest: JSON.parse(row.manifest) as AdapterManifest,
  };
  resolutions.set(key, resolved, versionBytes(key, row.manifest));
  return resolved;
}

/** Called by this isolate's own uploads, activations and deletes: they take effect here at once. */
export function invalidateAdapter(tenant: string, name: string): void {
  resolutions.deletePrefix(`${tenant}/${name}/`);
}
