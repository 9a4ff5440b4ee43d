import type { Quotas } from '../limits';
import { Problem } from '../problems';
import { auditStatement } from './audit-log';
import { isUniqueViolation } from './d1-errors';

/** An immutable version as stored; `manifest` is the JSON the upload validated. */
export interface VersionRow {
  version: number;
  sha256: string;
  bytes: number;
  blob_key: string;
  manifest: string;
  created_at: string;
}

export interface NewVersion {
  tenant: string;
  name: string;
  sha256: string;
  bytes: number;
  blobKey: string;
  manifest: string;
  actor: string;
  at: string;
  activate: boolean;
  quotas: Quotas;
}

// One statement answers "which version serves?" (version = null → live) and, when nothing does,
// why: no adapter row → adapter_not_found; adapter but no version row → version/alias missing.
const RESOLVE = `
SELECT a.floor_version AS floor, l.version AS live, v.version, v.sha256, v.bytes, v.blob_key, v.manifest, v.created_at
FROM adapters a
LEFT JOIN aliases l ON l.tenant_id = a.tenant_id AND l.name = a.name
LEFT JOIN adapter_versions v ON v.tenant_id = a.tenant_id AND v.name = a.name
  AND v.version = COALESCE(?3, l.version) AND v.version > a.floor_version
WHERE a.tenant_id = ?1 AND a.name = ?2 AND a.deleted_at IS NULL`;

interface ResolveRow extends Omit<VersionRow, 'version'> {
  floor: number;
  live: number | null;
  version: number | null;
}

export interface Resolved {
  row: VersionRow;
  live: number | null;
}

export async function resolveVersion(db: D1Database, tenant: string, name: string, version?: number): Promise<Resolved> {
  const found = await db.prepare(RESOLVE).bind(tenant, name, version ?? null).first<ResolveRow>();
  if (!found) throw new Problem('adapter_not_found', `no adapter named ${name}`);
  if (found.version === null) {
    if (version !== undefined) throw new Problem('version_not_found', `adapter ${name} has no version ${version}`);
    throw new Problem('no_live_version', `adapter ${name} has no live version; activate one`);
  }
  const { floor: _floor, live, ...row } = found;
  return { row: { ...row, version: found.version }, live };
}

const UPSERT_ADAPTER = `
INSERT INTO adapters (tenant_id, name, created_at, updated_at) VALUES (?1, ?2, ?3, ?3)
ON CONFLICT (tenant_id, name) DO UPDATE SET
  created_at = CASE WHEN deleted_at IS NULL THEN created_at ELSE excluded.created_at END,
  updated_at = excluded.updated_at,
  deleted_at = NULL`;

// The next number is computed inside the batch (a transaction), so concurrent uploads serialise
// on D1's single writer and each gets its own version.
const INSERT_VERSION = `
INSERT INTO adapter_versions (tenant_id, name, version, sha256, bytes, blob_key, manifest, created_at)
SELECT ?1, ?2, COALESCE(MAX(version), 0) + 1, ?3, ?4, ?5, ?6, ?7 FROM adapter_versions
WHERE tenant_id = ?1 AND name = ?2
RETURNING version`;

const ALIAS_LATEST = `
INSERT INTO aliases (tenant_id, name, version, updated_at)
SELECT ?1, ?2, MAX(version), ?3 FROM adapter_versions WHERE tenant_id = ?1 AND name = ?2
ON CONFLICT (tenant_id, name) DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at`;

const COMMIT_ATTEMPTS = 5;

/** What a version adds to its tenant's stored bytes: the model blob and the manifest row, counted
 * the same way by the triggers in migrations/0002_tenant_quotas.sql. */
export function storedBytes(modelBytes: number, manifest: string): number {
  return modelBytes + new TextEncoder().encode(manifest).length;
}

// One read: the tenant's counters (kept by triggers) and this name's servable versions (0: the
// upload creates the adapter, or revives a deleted name).
const USAGE = `
SELECT
  COALESCE((SELECT adapters FROM tenant_usage WHERE tenant_id = ?1), 0) AS adapters,
  COALESCE((SELECT bytes FROM tenant_usage WHERE tenant_id = ?1), 0) AS bytes,
  (SELECT COUNT(*) FROM adapter_versions v JOIN adapters a ON a.tenant_id = v.tenant_id AND a.name = v.name
   WHERE v.tenant_id = ?1 AND v.name = ?2 AND a.deleted_at IS NULL AND v.version > a.floor_version) AS versions`;

// The same rules on the state the batch leaves, as its last statement: a breach aborts the batch
// (trigger quota_breach), so concurrent uploads that all passed checkQuotas cannot all commit.
const QUOTA_GUARD = `
INSERT INTO quota_breaches (code)
SELECT code FROM (
  SELECT CASE
    WHEN s.n = 1 AND u.adapters > ?3 THEN 'adapter_quota_exceeded'
    WHEN s.n > ?4 THEN 'version_quota_exceeded'
    WHEN u.bytes > ?5 THEN 'storage_quota_exceeded'
  END AS code
  FROM tenant_usage u, (
    SELECT COUNT(*) AS n FROM adapter_versions v JOIN adapters a ON a.tenant_id = v.tenant_id AND a.name = v.name
    WHERE v.tenant_id = ?1 AND v.name = ?2 AND v.version > a.floor_version
  ) s
  WHERE u.tenant_id = ?1
) WHERE code IS NOT NULL`;

type QuotaCode = 'adapter_quota_exceeded' | 'version_quota_exceeded' | 'storage_quota_exceeded';

const QUOTA_OF: Record<QuotaCode, [keyof Quotas, string]> = {
  adapter_quota_exceeded: ['maxAdapters', 'adapters'],
  version_quota_exceeded: ['maxVersionsPerAdapter', 'versions of this adapter'],
  storage_quota_exceeded: ['maxStoredBytes', 'stored bytes (models and manifests)'],
};

/** `held`: what the tenant holds now, when known (the guard in the batch does not say). */
function quotaProblem(code: QuotaCode, quotas: Quotas, held?: number): Problem {
  const [key, what] = QUOTA_OF[code];
  const limit = quotas[key];
  const now = held === undefined ? 'a concurrent upload took what was left' : `it holds ${held}`;
  return new Problem(code, `this upload would take the tenant past ${limit} ${what}; ${now}`, { limit });
}

/** Refuses an upload that would break a quota, before its blob is written: one D1 read. */
export async function checkQuotas(db: D1Database, tenant: string, name: string, bytes: number, quotas: Quotas): Promise<void> {
  const empty = { adapters: 0, bytes: 0, versions: 0 };
  const usage = (await db.prepare(USAGE).bind(tenant, name).first<typeof empty>()) ?? empty;
  if (usage.versions === 0 && usage.adapters + 1 > quotas.maxAdapters) throw quotaProblem('adapter_quota_exceeded', quotas, usage.adapters);
  if (usage.versions + 1 > quotas.maxVersionsPerAdapter) throw quotaProblem('version_quota_exceeded', quotas, usage.versions);
  if (usage.bytes + bytes > quotas.maxStoredBytes) throw quotaProblem('storage_quota_exceeded', quotas, usage.bytes);
}

function quotaBreach(error: unknown): QuotaCode | undefined {
  const message = error instanceof Error ? `${error.message} ${String(error.cause ?? '')}` : String(error);
  return /(adapter|version|storage)_quota_exceeded/.exec(message)?.[0] as QuotaCode | undefined;
}

/** Commits a version whose blob is already in R2: row, alias and audit in one batch. */
export async function commitVersion(db: D1Database, v: NewVersion): Promise<number> {
  const statements = [
    db.prepare(UPSERT_ADAPTER).bind(v.tenant, v.name, v.at),
    db.prepare(INSERT_VERSION).bind(v.tenant, v.name, v.sha256, v.bytes, v.blobKey, v.manifest, v.at),
    ...(v.activate ? [db.prepare(ALIAS_LATEST).bind(v.tenant, v.name, v.at)] : []),
    auditStatement(db, { at: v.at, actor: v.actor, tenant: v.tenant, action: 'adapter.upload', target: v.name, detail: { sha256: v.sha256, activate: v.activate } }),
    db.prepare(QUOTA_GUARD).bind(v.tenant, v.name, v.quotas.maxAdapters, v.quotas.maxVersionsPerAdapter, v.quotas.maxStoredBytes),
  ];
  for (let attempt = 1; ; attempt++) {
    try {
      const results = await db.batch<{ version: number }>(statements);
      const version = results[1]?.results[0]?.version;
      if (typeof version !== 'number') throw new Error('version insert returned no row');
      return version;
    } catch (error) {
      const breach = quotaBreach(error);
      if (breach) throw quotaProblem(breach, v.quotas);
      // D1 runs a batch as one transaction on one writer, so this should not happen; if a
      // replica or a future engine ever races, the loser rolls back whole and simply retries.
      if (!isUniqueViolation(error)) throw error;
      if (attempt >= COMMIT_ATTEMPTS) throw new Problem('version_conflict', 'concurrent uploads kept colliding; retry');
    }
  }
}

const ACTIVATE = `
INSERT INTO aliases (tenant_id, name, version, updated_at)
SELECT v.tenant_id, v.name, v.version, ?4 FROM adapter_versions v
JOIN adapters a ON a.tenant_id = v.tenant_id AND a.name = v.name
WHERE v.tenant_id = ?1 AND v.name = ?2 AND v.version = ?3 AND a.deleted_at IS NULL AND v.version > a.floor_version
ON CONFLICT (tenant_id, name) DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at`;

/** Points the alias at `version` in one statement; returns the version that served before. */
export async function activateVersion(db: D1Database, tenant: string, name: string, version: number, actor: string, at: string): Promise<number | null> {
  const { live } = await resolveVersion(db, tenant, name, version);
  const [upsert] = await db.batch([
    db.prepare(ACTIVATE).bind(tenant, name, version, at),
    auditStatement(db, { at, actor, tenant, action: 'adapter.activate', target: name, detail: { version, previous: live } }, true),
  ]);
  // Deleted between the check and the batch: the guarded statement changed nothing.
  if ((upsert?.meta.changes ?? 0) === 0) throw new Problem('adapter_not_found', `no adapter named ${name}`);
  return live;
}

/** Soft delete; true when an adapter stopped serving. Versions stay, hidden below floor_version. */
export async function deleteAdapter(db: D1Database, tenant: string, name: string, actor: string, at: string): Promise<boolean> {
  const [update] = await db.batch([
    db
      .prepare(
        `UPDATE adapters SET deleted_at = ?3, updated_at = ?3,
           floor_version = (SELECT COALESCE(MAX(version), 0) FROM adapter_versions WHERE tenant_id = ?1 AND name = ?2)
         WHERE tenant_id = ?1 AND name = ?2 AND deleted_at IS NULL`,
      )
      .bind(tenant, name, at),
    auditStatement(db, { at, actor, tenant, action: 'adapter.delete', target: name }, true),
    db.prepare('DELETE FROM aliases WHERE tenant_id = ? AND name = ?').bind(tenant, name),
  ]);
  return (update?.meta.changes ?? 0) > 0;
}

export interface AdapterSummaryRow {
  name: string;
  created_at: string;
  updated_at: string;
  live_version: number | null;
  latest_version: number;
}

const SUMMARY = `
SELECT a.name, a.created_at, a.updated_at, l.version AS live_version,
  (SELECT MAX(v.version) FROM adapter_versions v WHERE v.tenant_id = a.tenant_id AND v.name = a.name) AS latest_version
FROM adapters a LEFT JOIN aliases l ON l.tenant_id = a.tenant_id AND l.name = a.name
WHERE a.tenant_id = ?1 AND a.deleted_at IS NULL`;

/** Bounded so one request stays one small D1 read; tenants with more names page by prefix later. */
export const MAX_LISTED_ADAPTERS = 1000;

export async function listAdapters(db: D1Database, tenant: string): Promise<AdapterSummaryRow[]> {
  const { results } = await db.prepare(`${SUMMARY} ORDER BY a.name LIMIT ${MAX_LISTED_ADAPTERS}`).bind(tenant).all<AdapterSummaryRow>();
  return results;
}

export async function describeAdapter(db: D1Database, tenant: string, name: string): Promise<{ summary: AdapterSummaryRow; versions: VersionRow[] }> {
  const [summaryResult, versionsResult] = await db.batch([
    db.prepare(`${SUMMARY} AND a.name = ?2`).bind(tenant, name),
    db
      .prepare(
        `SELECT v.version, v.sha256, v.bytes, v.blob_key, v.manifest, v.created_at FROM adapter_versions v
         JOIN adapters a ON a.tenant_id = v.tenant_id AND a.name = v.name
         WHERE v.tenant_id = ?1 AND v.name = ?2 AND a.deleted_at IS NULL AND v.version > a.floor_version ORDER BY v.version`,
      )
      .bind(tenant, name),
  ]);
  const summary = summaryResult?.results[0] as AdapterSummaryRow | undefined;
  if (!summary) throw new Problem('adapter_not_found', `no adapter named ${name}`);
  return { summary, versions: (versionsResult?.results ?? []) as VersionRow[] };
}

// A blob is referenced while a version that can still serve names it: one of an adapter that is
// not deleted, above its floor (live or not). Versions hidden by a delete can never be resolved
// or activated again, so they keep no blob. Each key is looked up through the primary key
// (tenant, name), which the key itself carries.
const REFERENCED_BLOBS = `
SELECT DISTINCT v.blob_key AS key
FROM json_each(?1) k
JOIN adapter_versions v ON v.tenant_id = json_extract(k.value, '$[0]') AND v.name = json_extract(k.value, '$[1]')
  AND v.blob_key = json_extract(k.value, '$[2]')
JOIN adapters a ON a.tenant_id = v.tenant_id AND a.name = v.name
WHERE a.deleted_at IS NULL AND v.version > a.floor_version`;

/** Which of these blob keys a servable version references, in one D1 read for the whole page. */
export async function referencedBlobKeys(db: D1Database, blobs: { key: string; tenant: string; name: string }[]): Promise<Set<string>> {
  if (blobs.length === 0) return new Set();
  const keys = JSON.stringify(blobs.map((b) => [b.tenant, b.name, b.key]));
  const { results } = await db.prepare(REFERENCED_BLOBS).bind(keys).all<{ key: string }>();
  return new Set(results.map((r) => r.key));
}
