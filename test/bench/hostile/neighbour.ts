import type { FeatureBlock } from '../../../core/schemas/feature-block';
import { linearHead, manifestFor } from '../../helpers/worker-fixtures';
import type { HostileEdge } from './hostile-edge';
import type { Timed } from './http-send';

const TEXTS = ['free money, click now', 'minutes of the weekly meeting'];

/** Status and body without its timings: what must not change for a tenant nobody attacked. */
async function observed(sent: Timed): Promise<string> {
  if ('error' in sent) return `error: ${sent.error}`;
  const body = (await sent.response.json()) as Record<string, unknown>;
  delete body.timings;
  return `${sent.response.status} ${JSON.stringify(body)}`;
}

/**
 * Another tenant on the same isolate, as test/helpers/bystander.ts is for worker tests: its
 * predict is asked before an attack and must answer the same bytes (timings aside) after it.
 */
export async function neighbourOf(edge: HostileEdge, text: FeatureBlock, name = 'neighbour'): Promise<{ unharmed(): Promise<boolean> }> {
  const tenant = await edge.tenant(name);
  const res = await tenant.upload('steady', manifestFor('steady', ['ham', 'spam'], [text]), linearHead(text.dim, 2, 11));
  if (res.status !== 201) throw new Error(`${name} upload: ${res.status} ${await res.text()}`);
  const body = new TextEncoder().encode(JSON.stringify({ inputs: TEXTS, top_k: 2 }));
  const ask = async () => observed(await tenant.http.send('POST', '/v1/adapters/steady/predict', body, 'application/json'));
  const before = await ask();
  if (!before.startsWith('200 ')) throw new Error(`${name} predict: ${before}`);
  return { unharmed: async () => (await ask()) === before };
}
