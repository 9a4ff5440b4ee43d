import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../env';
import { renderDocs } from '../http/render-docs';

const INFO = {
  openapi: '3.1.0',
  info: {
    title: 'Graft edge API',
    version: '1',
    description: 'Per-tenant classifier adapters over a frozen backbone. Errors are application/problem+json with a stable `code`.',
  },
};

type Doc = ReturnType<OpenAPIHono<AppEnv>['getOpenAPI31Document']>;
let doc: Doc | undefined;

/** Serves on `app` the document of `api`, the root app, whose registry gathers every mounted group's routes. */
export function registerOpenApi(app: OpenAPIHono<AppEnv>, api: OpenAPIHono<AppEnv>): void {
  api.openAPIRegistry.registerComponent('securitySchemes', 'tenantKey', { type: 'http', scheme: 'bearer', description: 'tenant API key' });
  api.openAPIRegistry.registerComponent('securitySchemes', 'adminToken', { type: 'http', scheme: 'bearer', description: 'ADMIN_TOKEN secret' });
  // Generated on first request, not at module scope, to keep cold starts short (and after every group is mounted).
  const document = (): Doc => (doc ??= api.getOpenAPI31Document(INFO));
  app.get('/openapi.json', (c) => c.json(document()));
  let html: string | undefined;
  app.get('/docs', (c) => c.html((html ??= renderDocs(document()))));
}
