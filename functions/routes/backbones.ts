import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { BackboneList } from '../../core/schemas/api';
import type { AppEnv } from '../env';
import { json, problems, TENANT_SECURITY } from '../http/route-docs';
import { backboneCatalog } from '../serving/backbone-catalog';
import { residentBackbones } from '../serving/loaded-backbones';

const route = createRoute({
  method: 'get',
  path: '/v1/backbones',
  tags: ['backbones'],
  summary: 'Backbones this edge serves: ids, modality, dims, sha256',
  security: TENANT_SECURITY,
  responses: { 200: json(BackboneList, 'the backbones'), ...problems(401, 429) },
});

export function registerBackbones(app: OpenAPIHono<AppEnv>): void {
  app.openapi(route, async (c) => {
    const catalog = await backboneCatalog(c.env.ARTIFACTS);
    const backbones = [...catalog.values()].map((m) => ({
      id: m.id,
      version: m.version,
      modality: m.modality,
      sha256: m.sha256,
      dim: m.output.dim,
      inputs: m.inputs.map(({ name, dtype }) => ({ name, dtype })),
      loaded: residentBackbones.has(m.id, m.sha256),
    }));
    return c.json({ backbones }, 200);
  });
}
