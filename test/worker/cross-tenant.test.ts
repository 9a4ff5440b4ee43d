import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGraft, tinyAdapter, type Client, type Graft } from '../helpers/worker-fixtures';

const TEXTS = ['free money click now'];

/** Status, code, title, type and detail with the adapter name masked: what a client can observe. */
async function observed(res: Response, name: string): Promise<unknown> {
  const body = (await res.json()) as Record<string, unknown>;
  return {
    status: res.status,
    contentType: res.headers.get('content-type'),
    ...body,
    detail: String(body.detail).replaceAll(name, '<name>'),
  };
}

describe("another tenant's adapter answers exactly like a missing one", () => {
  let graft: Graft;
  let acme: Client;
  let globex: Client;
  let acmeAnswer: unknown;

  beforeAll(async () => {
    graft = await startGraft();
    acme = graft.client(await graft.createTenant('acme'));
    globex = graft.client(await graft.createTenant('globex'));
    const { manifest, model } = tinyAdapter(graft.backbone, 'secret', ['ham', 'spam'], 1);
    expect((await acme.upload('secret', manifest, model)).status).toBe(201);
    expect((await acme.upload('secret', manifest, tinyAdapter(graft.backbone, 'x', ['ham', 'spam'], 2).model, '?activate=false')).status).toBe(201);
    acmeAnswer = await (await acme.predict('secret', { inputs: TEXTS })).json();
  });
  afterAll(() => graft?.stop());

  const routes: [string, (c: Client, name: string) => Promise<Response>][] = [
    ['GET /v1/adapters/:name', (c, n) => c.json('GET', `/v1/adapters/${n}`)],
    ['DELETE /v1/adapters/:name', (c, n) => c.json('DELETE', `/v1/adapters/${n}`)],
    ['POST /v1/adapters/:name/activate', (c, n) => c.json('POST', `/v1/adapters/${n}/activate`, { version: 1 })],
    ['POST /v1/adapters/:name/activate (v2)', (c, n) => c.json('POST', `/v1/adapters/${n}/activate`, { version: 2 })],
    ['POST /v1/adapters/:name/predict', (c, n) => c.predict(n, { inputs: TEXTS })],
    ['POST /v1/adapters/:name/predict pinned', (c, n) => c.predict(n, { inputs: TEXTS, version: 1 })],
    ['POST /v1/predict', (c, n) => c.json('POST', '/v1/predict', { adapters: [n], inputs: TEXTS })],
    ['POST /v1/predict pinned', (c, n) => c.json('POST', '/v1/predict', { adapters: [{ name: n, version: 2 }], inputs: TEXTS })],
  ];

  for (const [what, call] of routes) {
    it(what, async () => {
      const foreign = await call(globex, 'secret');
      const missing = await call(globex, 'never-existed');
      expect(foreign.status).toBe(404);
      expect(await observed(foreign, 'secret')).toEqual(await observed(missing, 'never-existed'));
      expect(((await observed(await call(globex, 'secret'), 'secret')) as { code: string }).code).toBe('adapter_not_found');
    });
  }

  it('lists only its own adapters, and an upload under the same name is its own adapter', async () => {
    const list = (await (await globex.json('GET', '/v1/adapters')).json()) as { adapters: unknown[] };
    expect(list.adapters).toEqual([]);
    const { manifest, model } = tinyAdapter(graft.backbone, 'secret', ['ham', 'spam'], 9);
    const up = await globex.upload('secret', manifest, model);
    expect(await up.json()).toMatchObject({ version: 1, live: true });
    const theirs = await (await globex.predict('secret', { inputs: TEXTS })).json();
    expect(theirs).not.toEqual(acmeAnswer);
  });

  it("left the owner's adapter untouched", async () => {
    const answer = (await (await acme.predict('secret', { inputs: TEXTS })).json()) as Record<string, unknown>;
    expect({ ...answer, timings: null }).toEqual({ ...(acmeAnswer as object), timings: null });
    const detail = (await (await acme.json('GET', '/v1/adapters/secret')).json()) as { live_version: number; versions: unknown[] };
    expect(detail.live_version).toBe(1);
    expect(detail.versions).toHaveLength(2);
  });
});
