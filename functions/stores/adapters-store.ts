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

/** Commits a version whose blob is already in R2: row, alias and audit in one batch. */
export async function commitVersion(db: D1Database, v: NewVersion): Promise<number> {
  const statements = [
    db.prepare(UPSERT_ADAPTER).bind(v.tenant, v.name, v.at),
    db.prepare(INSERT_VERSION).bind(v.tenant, v.name, v.sha256, v.bytes, v.blobKey, v.manifest, v.at),
    ...(v.activate ? [db.prepare(ALIAS_LATEST).bind(v.tenant, v.name, v.at)] : []),
    auditStatement(db, { at: v.at, actor: v.actor, tenant: v.tenant, action: 'adapter.upload', target: v.name, detail: { sha256: v.sha256, activate: v.activate } }),
  ];
  for (let attempt = 1; ; attempt++) {
    try {
      const results = await db.batch<{ version: number }>(statements);
      const version = results[1]?.results[0]?.version;
      if (typeof version !== 'number') throw new Error('version insert returned no row');
      return version;
    } catch (error) {
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
