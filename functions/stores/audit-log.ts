export interface AuditEntry {
  at: string;
  /** `admin` or `key:<id>`. */
  actor: string;
  tenant: string | null;
  action: string;
  target?: string;
  detail?: Record<string, unknown>;
}

/** A statement to put in the same D1 batch as the change it records, so both or neither land. */
export function auditStatement(db: D1Database, entry: AuditEntry, onlyIfChanged = false): D1PreparedStatement {
  const sql = `INSERT INTO audit_log (at, actor, tenant_id, action, target, detail) SELECT ?, ?, ?, ?, ?, ?${
    onlyIfChanged ? ' WHERE changes() > 0' : ''
  }`;
  return db
    .prepare(sql)
    .bind(entry.at, entry.actor, entry.tenant, entry.action, entry.target ?? null, entry.detail ? JSON.stringify(entry.detail) : null);
}
