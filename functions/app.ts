import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from './env';
import { handleError } from './http/handle-error';
import { validationHook } from './http/validation-hook';
import { adminAuth } from './middleware/admin-auth';
import { MAX_BODY_BYTES } from './limits';
import { limitBody } from './middleware/body-limit';
import { rateLimit } from './middleware/rate-limit';
import { tenantAuth } from './middleware/tenant-auth';
import { Problem, problemResponse } from './problems';
import { registerAdapters } from './routes/adapters';
import { registerAdmin } from './routes/admin';
import { registerBackbones } from './routes/backbones';
import { registerEmbed } from './routes/embed';
import { registerHealth } from './routes/health';
import { registerOpenApi } from './routes/openapi';
import { registerPredict } from './routes/predict';
import { registerUpload } from './routes/upload';

// `/x/*` also matches `/x` in Hono, so each prefix is listed once.
const TENANT_PATHS = ['/v1/adapters/*', '/v1/predict', '/v1/embed', '/v1/backbones'];
const JSON_PATHS = ['/v1/admin/*', '/v1/predict', '/v1/embed', '/v1/adapters/:name/predict', '/v1/adapters/:name/activate'];

export function createApp(): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.onError(handleError);
  app.notFound((c) => problemResponse(new Problem('not_found', `no route ${c.req.method} ${c.req.path}`)));

  app.use('/v1/admin/*', adminAuth);
  for (const path of TENANT_PATHS) app.use(path, tenantAuth, rateLimit);
  for (const path of JSON_PATHS) app.on(['POST', 'PUT', 'PATCH'], path, limitBody(MAX_BODY_BYTES));

  registerHealth(app);
  registerBackbones(app);
  registerAdmin(app);
  registerAdapters(app);
  registerUpload(app);
  registerPredict(app);
  registerEmbed(app);
  registerOpenApi(app);
  return app;
}
