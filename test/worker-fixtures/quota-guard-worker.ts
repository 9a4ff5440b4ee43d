// The edge worker plus one route that commits a version without checking quotas first: what an
// upload does when another one took the last place between its check and its commit.
import type { Env } from '../../functions/env';
import worker from '../../functions/index';
import { Problem } from '../../functions/problems';
import { commitVersion, type NewVersion } from '../../functions/stores/adapters-store';

export default {
  ...worker,
  async fetch(request, env, ctx) {
    if (new URL(request.url).pathname !== '/test/commit-unchecked') return worker.fetch(request, env, ctx);
    try {
      return Response.json({ version: await commitVersion(env.DB, (await request.json()) as NewVersion) });
    } catch (error) {
      if (error instanceof Problem) return Response.json({ code: error.code }, { status: error.status });
      throw error;
    }
  },
} satisfies ExportedHandler<Env>;
