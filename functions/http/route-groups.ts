import { OpenAPIHono } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env';
import { validationHook } from './validation-hook';

type Middleware = MiddlewareHandler<AppEnv>;

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

export interface GroupMiddleware {
  /** Runs first, on every route of the group. */
  every: [Middleware, ...Middleware[]];
  /** Runs next, on the group's POST, PUT and PATCH routes. */
  bodies?: Middleware[];
}

/** Routes that share middleware: register routes on it (never `use`), then mount it with mountGroup. */
export function routeGroup(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
}

/**
 * Mounts `group` at the root of `app`, its middleware on exactly the group's routes.
 *
 * Hono's route() copies a sub-app's routes into the parent's one router, which matches by method
 * and path only: a sub-app's `use('*', mw)` becomes the parent's `ALL /*` and runs for the other
 * groups' routes registered after it and for the 404 handler. So the middleware is registered on
 * the parent, once per method and path the group serves, ahead of the group's own handlers; Hono
 * runs matches in registration order, so it precedes each route's validators and middleware.
 */
export function mountGroup(app: OpenAPIHono<AppEnv>, group: OpenAPIHono<AppEnv>, { every, bodies = [] }: GroupMiddleware): void {
  const mounted = new Set<string>();
  for (const { method, path } of group.routes) {
    // use() and all() register ALL routes, matched by path alone: they would leak as above.
    if (method === 'ALL') throw new Error(`route group: ALL ${path}; give a group's middleware to mountGroup`);
    const key = `${method} ${path}`;
    if (mounted.has(key)) continue;
    mounted.add(key);
    app.on(method, path, ...every, ...(BODY_METHODS.has(method) ? bodies : []));
  }
  app.route('/', group);
}
