import type { OpenAPIHono, RouteConfig } from '@hono/zod-openapi';
import { Problem } from '../../core/schemas/api';
import type { AppEnv } from '../env';

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

/** A body sent as JSON (texts or base64 images) or as multipart/form-data (image files). */
export function inputsBody<J, F>(json: J, form: F) {
  return { required: true, content: { 'application/json': { schema: json }, 'multipart/form-data': { schema: form } } };
}

/**
 * zod-openapi checks a required body against every media type a route declares, so a JSON body
 * would fail the multipart schema and the reverse. The document gets the route as declared; the
 * app gets it without its body, which the handler reads with readInputs from the same schemas.
 */
export function bodyReadByHandler<R extends RouteConfig>(app: OpenAPIHono<AppEnv>, route: R) {
  app.openAPIRegistry.registerPath(route);
  const { body: _documented, ...request } = route.request ?? {};
  return { ...route, request, hide: true };
}
