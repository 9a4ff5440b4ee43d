import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from './env';
import { handleError } from './http/handle-error';
import { mountGroup, routeGroup } from './http/route-groups';
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

export function createApp(): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  // Groups keep Hono's default handlers, so errors and misses reach these for every group.
  app.onError(handleError);
  app.notFound((c) => problemResponse(new Problem('not_found', `no route ${c.req.method} ${c.req.path}`)));

  const open = routeGroup();
  registerHealth(open);
  registerOpenApi(open, app);

  const tenant = routeGroup();
  registerBackbones(tenant);
  registerAdapters(tenant);
  registerPredict(tenant);
  registerEmbed(tenant);

  // Uploads stream under their own, larger limit, so they skip the JSON body cap.
  const uploads = routeGroup();
  registerUpload(uploads);

  const admin = routeGroup();
  registerAdmin(admin);

  const bodies = [limitBody(MAX_BODY_BYTES)];
  app.route('/', open);
  mountGroup(app, tenant, { every: [tenantAuth, rateLimit], bodies });
  mountGroup(app, uploads, { every: [tenantAuth, rateLimit] });
  mountGroup(app, admin, { every: [adminAuth], bodies });
  return app;
}
