import { createApp } from './app';
import type { Env } from './env';
import { collectOrphans } from './storage/collect-orphans';

const app = createApp();

export default {
  fetch: (request, env, ctx) => app.fetch(request, env, ctx),
  // The cron in wrangler.jsonc; its scheduled time is the run's "now", so a late or retried run
  // only ever judges blobs older than it would have.
  scheduled: async (controller, env) => {
    const report = await collectOrphans(env, controller.scheduledTime);
    console.log(JSON.stringify({ event: 'orphans.collected', ...report, collected: report.collected.length }));
  },
} satisfies ExportedHandler<Env>;
