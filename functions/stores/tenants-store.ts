import { Problem } from '../problems';
import { auditStatement } from './audit-log';
import { isUniqueViolation } from './d1-errors';

export async function createTenant(db: D1Database, id: string, at: string): Promise<void> {
  try {
    await db.batch([
      db.prepare('INSERT INTO tenants (id, created_at) VALUES (?, ?)').bind(id, at),
      auditStatement(db, { at, actor: 'admin', tenant: id, action: 'tenant.create' }),
    ]);
  } catch (error) {
    if (isUniqueViolation(error)) throw new Problem('tenant_exists', `tenant ${id} already exists`);
    throw error;
  }
}

export async function tenantExists(db: D1Database, id: string): Promise<boolean> {
  return (await db.prepare('SELECT 1 FROM tenants WHERE id = ?').bind(id).first()) !== null;
}
