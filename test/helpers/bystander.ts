import { expect } from 'vitest';
import { tinyAdapter, type Graft } from './worker-fixtures';

const TEXTS = ['free money, click now', 'minutes of the weekly meeting'];

/**
 * Another tenant on the same isolate, for hostile tests: after each attack, its predict must still
 * answer 200 with exactly the bytes it answered before the attack (timings aside).
 */
export interface Bystander {
  /** Fails the test unless the bystander's answer is unchanged. */
  expectUnharmed(): Promise<void>;
}

function withoutTimings(body: Record<string, unknown>): Record<string, unknown> {
  const { timings: _timings, ...rest } = body;
  return rest;
}

export async function bystander(graft: Graft, tenant = 'bystander'): Promise<Bystander> {
  const client = graft.client(await graft.createTenant(tenant));
  const { manifest, model } = tinyAdapter(graft.backbone, 'steady', ['ham', 'spam'], 11);
  const upload = await client.upload('steady', manifest, model);
  if (upload.status !== 201) throw new Error(`bystander upload: ${upload.status} ${await upload.text()}`);
  const ask = async () => {
    const res = await client.predict('steady', { inputs: TEXTS, top_k: 2 });
    expect(res.status, await res.clone().text()).toBe(200);
    return withoutTimings((await res.json()) as Record<string, unknown>);
  };
  const before = await ask();
  return { expectUnharmed: async () => expect(await ask()).toEqual(before) };
}
