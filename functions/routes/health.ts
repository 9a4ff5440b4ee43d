import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { Health } from '../../core/schemas/api';
import type { AppEnv } from '../env';
import { json } from '../http/route-docs';
import { ortHeapBytes } from '../runtime/ort-web';
import { isOrtLoaded } from '../serving/ort-state';
import { adapterCache } from '../serving/adapter-sessions';
import { residentBackbones } from '../serving/loaded-backbones';

const route = createRoute({
  method: 'get',
  path: '/healthz',
  tags: ['health'],
  summary: 'Liveness and what this isolate has loaded; touches neither D1 nor R2',
  responses: { 200: json(Health, 'alive') },
});

export function registerHealth(app: OpenAPIHono<AppEnv>): void {
  app.openapi(route, (c) => {
    const cache = adapterCache(c.env);
    return c.json(
      { ok: true as const, runtime_loaded: isOrtLoaded(), backbones: residentBackbones.list(), adapters_cached: cache.size, adapter_cache_bytes: cache.bytes, adapter_cache_hits: cache.hits, adapter_cache_misses: cache.misses, ort_heap_bytes: ortHeapBytes() },
      200,
    );
  });
}
