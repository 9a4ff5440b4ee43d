import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGraft, tinyAdapter, type Client, type Graft } from '../helpers/worker-fixtures';

const TEXTS = ['free money, click now'];

describe('deleting an adapter frees its cached heads', () => {
  let graft: Graft;
  let acme: Client;
  const cached = async () => ((await (await graft.worker.fetch('/healthz')).json()) as { adapters_cached: number }).adapters_cached;

  beforeAll(async () => {
    graft = await startGraft();
    acme = graft.client(await graft.createTenant('acme'));
  });
  afterAll(() => graft?.stop());

  it('drops every version of the deleted adapter from the isolate, and only those', async () => {
    for (const [name, seed, query] of [['gone', 1, ''], ['gone', 2, '?activate=false'], ['kept', 3, '']] as const) {
      const { manifest, model } = tinyAdapter(graft.backbone, name, ['ham', 'spam'], seed);
      expect((await acme.upload(name, manifest, model, query)).status).toBe(201);
    }
    for (const body of [{ inputs: TEXTS }, { inputs: TEXTS, version: 2 }]) expect((await acme.predict('gone', body)).status).toBe(200);
    const kept = await (await acme.predict('kept', { inputs: TEXTS })).json();
    const before = await cached();
    expect((await acme.json('DELETE', '/v1/adapters/gone')).status).toBe(204);
    expect(await cached()).toBe(before - 2);
    const again = await acme.predict('kept', { inputs: TEXTS });
    expect(again.status).toBe(200);
    const { timings: _a, ...answer } = (await again.json()) as Record<string, unknown>;
    const { timings: _b, ...first } = kept as Record<string, unknown>;
    expect(answer).toEqual(first);
  });
});
