import { Problem } from '../../core/schemas/api';

/** OpenAPI response entries for the problem codes a route may answer with. */
export function problems(...statuses: number[]) {
  const entries: Record<number, { description: string; content: { 'application/problem+json': { schema: typeof Problem } } }> = {};
  for (const status of statuses) {
    entries[status] = { description: `problem+json; see /docs for codes`, content: { 'application/problem+json': { schema: Problem } } };
  }
  return entries;
}

export function json<T>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } };
}

export const TENANT_SECURITY = [{ tenantKey: [] }];
export const ADMIN_SECURITY = [{ adminToken: [] }];
