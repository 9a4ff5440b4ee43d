import { auditStatement } from './audit-log';

export interface ApiKeyRow {
  id: string;
  tenant_id: string;
  key_sha256: string;
  prefix: string;
  label: string | null;
  created_at: string;
  revoked_at: string | null;
}

export async function insertKey(db: D1Database, row: Omit<ApiKeyRow, 'revoked_at'>): Promise<void> {
  await db.batch([
    db
      .prepare('INSERT INTO api_keys (id, tenant_id, key_sha256, prefix, label, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .bind(row.id, row.tenant_id, row.key_sha256, row.prefix, row.label, row.created_at),
    auditStatement(db, { at: row.created_at, actor: 'admin', tenant: row.tenant_id, action: 'key.create', target: row.id }),
  ]);
}

export function findKey(db: D1Database, id: string): Promise<ApiKeyRow | null> {
  return db.prepare('SELECT * FROM api_keys WHERE id = ?').bind(id).first<ApiKeyRow>();
}

/** True when a live key of that tenant was revoked by this call. */
export async function revokeKey(db: D1Database, tenant: string, id: string, at: string): Promise<boolean> {
  const [update] = await db.batch([
    db.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND tenant_id = ? AND revoked_at IS NULL').bind(at, id, tenant),
    auditStatement(db, { at, actor: 'admin', tenant, action: 'key.revoke', target: id }, true),
  ]);
  return (update?.meta.changes ?? 0) > 0;
}
