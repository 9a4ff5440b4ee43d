import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backboneBlock, expectProblem, linearHead, manifestFor, startGraft, tinyAdapter, type Client, type Graft } from '../helpers/worker-fixtures';

interface Predicted {
  version: number;
  predictions: { label: string; score: number; labels?: string[]; scores?: Record<string, number> }[];
}

const TEXTS = ['free money click now', 'meeting tomorrow about the project', 'w40 w41 w42 the'];

describe('adapter lifecycle: upload, versions, activation, delete', () => {
  let graft: Graft;
  let acme: Client;

  beforeAll(async () => {
    graft = await startGraft();
    acme = graft.client(await graft.createTenant('acme'));
  });
  afterAll(() => graft?.stop());

  async function predict(name: string, extra: Record<string, unknown> = {}): Promise<Predicted> {
    const res = await acme.predict(name, { inputs: TEXTS, top_k: 2, ...extra });
    expect(res.status, await res.clone().text()).toBe(200);
    return (await res.json()) as Predicted;
  }

  async function upload(name: string, seed: number, query = ''): Promise<{ version: number; live: boolean; sha256: string }> {
    const { manifest, model } = tinyAdapter(graft.backbone, `trained-as-${seed}`, ['ham', 'spam'], seed);
    const res = await acme.upload(name, manifest, model, query);
    expect(res.status, await res.clone().text()).toBe(201);
    return (await res.json()) as { version: number; live: boolean; sha256: string };
  }

  it('stores versions, activates, rolls back and pins', async () => {
    expect(await upload('spam', 1)).toMatchObject({ version: 1, live: true });
    const v1 = await predict('spam');
    expect(v1.version).toBe(1);

    expect(await upload('spam', 2, '?activate=false')).toMatchObject({ version: 2, live: false });
    expect(await predict('spam')).toEqual({ ...v1, timings: expect.anything() });

    const activated = await acme.json('POST', '/v1/adapters/spam/activate', { version: 2 });
    expect(await activated.json()).toEqual({ adapter: 'spam', version: 2, previous: 1 });
    const v2 = await predict('spam');
    expect(v2.version).toBe(2);
    expect(v2.predictions).not.toEqual(v1.predictions);

    const rolledBack = await acme.json('POST', '/v1/adapters/spam/activate', { version: 1 });
    expect(await rolledBack.json()).toEqual({ adapter: 'spam', version: 1, previous: 2 });
    expect((await predict('spam')).predictions).toEqual(v1.predictions);
    expect((await predict('spam', { version: 2 })).predictions).toEqual(v2.predictions);

    await expectProblem(await acme.json('POST', '/v1/adapters/spam/activate', { version: 9 }), 404, 'version_not_found');
    await expectProblem(await acme.predict('spam', { inputs: TEXTS, version: 9 }), 404, 'version_not_found');
    await expectProblem(await acme.json('POST', '/v1/adapters/spam/activate', { version: 'two' }), 400, 'invalid_request');
  });

  it('lists and describes adapters; the URL names the adapter', async () => {
    const list = (await (await acme.json('GET', '/v1/adapters')).json()) as { adapters: { name: string; live_version: number; latest_version: number }[] };
    expect(list.adapters).toContainEqual(expect.objectContaining({ name: 'spam', live_version: 1, latest_version: 2 }));
    const detail = (await (await acme.json('GET', '/v1/adapters/spam')).json()) as {
      manifest: { name: string; model: { sha256: string } };
      versions: { version: number; live: boolean; sha256: string }[];
    };
    expect(detail.manifest.name).toBe('spam');
    expect(detail.versions.map((v) => [v.version, v.live])).toEqual([[1, true], [2, false]]);
    expect(detail.manifest.model.sha256).toBe(detail.versions[0]!.sha256);
  });

  it('never overwrites a version row', async () => {
    await expect(graft.worker.d1Exec("UPDATE adapter_versions SET sha256 = 'x' WHERE name = 'spam'")).rejects.toThrow(/immutable/);
    await expect(graft.worker.d1Exec("DELETE FROM adapter_versions WHERE name = 'spam'")).rejects.toThrow(/immutable/);
  });

  it('gives each of 8 concurrent uploads to one name its own version, none lost', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => upload('burst', 100 + i)));
    expect(results.map((r) => r.version).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const rows = await graft.worker.d1Exec("SELECT version, sha256, blob_key FROM adapter_versions WHERE tenant_id = 'acme' AND name = 'burst' ORDER BY version");
    expect(rows).toHaveLength(8);
    expect(new Set(rows.map((r) => r.sha256)).size).toBe(8);
    for (const row of rows) {
      expect(await graft.worker.r2Get(String(row.blob_key)), `blob of v${row.version}`).not.toBeNull();
      const pinned = await predict('burst', { version: row.version });
      expect(pinned.version).toBe(row.version);
    }
    const bySha = new Map(results.map((r) => [r.sha256, r.version]));
    for (const row of rows) expect(bySha.get(String(row.sha256))).toBe(row.version);
  });

  it('deletes at once; the name can be uploaded again without reusing version numbers', async () => {
    await upload('doomed', 7);
    await upload('doomed', 8);
    expect((await predict('doomed')).version).toBe(2);
    expect((await acme.json('DELETE', '/v1/adapters/doomed')).status).toBe(204);
    await expectProblem(await acme.predict('doomed', { inputs: TEXTS }), 404, 'adapter_not_found');
    await expectProblem(await acme.predict('doomed', { inputs: TEXTS, version: 1 }), 404, 'adapter_not_found');
    await expectProblem(await acme.json('GET', '/v1/adapters/doomed'), 404, 'adapter_not_found');
    await expectProblem(await acme.json('DELETE', '/v1/adapters/doomed'), 404, 'adapter_not_found');
    await expectProblem(await acme.json('POST', '/v1/adapters/doomed/activate', { version: 1 }), 404, 'adapter_not_found');
    const list = (await (await acme.json('GET', '/v1/adapters')).json()) as { adapters: { name: string }[] };
    expect(list.adapters.map((a) => a.name)).not.toContain('doomed');

    expect(await upload('doomed', 9)).toMatchObject({ version: 3, live: true });
    expect((await predict('doomed')).version).toBe(3);
    await expectProblem(await acme.predict('doomed', { inputs: TEXTS, version: 1 }), 404, 'version_not_found');
    const detail = (await (await acme.json('GET', '/v1/adapters/doomed')).json()) as { versions: { version: number }[] };
    expect(detail.versions.map((v) => v.version)).toEqual([3]);
  });

  it('answers no_live_version for an adapter stored without activation', async () => {
    await upload('dormant', 3, '?activate=false');
    await expectProblem(await acme.predict('dormant', { inputs: TEXTS }), 409, 'no_live_version');
    expect((await predict('dormant', { version: 1 })).version).toBe(1);
    await expectProblem(await acme.upload('dormant', tinyAdapter(graft.backbone, 'x').manifest, tinyAdapter(graft.backbone, 'x').model, '?activate=maybe'), 400, 'invalid_request');
  });

  it('serves multilabel heads: every label over the threshold', async () => {
    const labels = ['billing', 'urgent', 'spam'];
    const manifest = manifestFor('tags', labels, [backboneBlock(graft.backbone), { source: 'hashed-ngrams', dim: 64, ngrams: [1, 2] }], {
      task: 'multilabel',
      threshold: 0.4,
    });
    const model = linearHead(16 + 64, 3, 5, 'Sigmoid');
    expect((await acme.upload('tags', manifest, model)).status).toBe(201);
    const result = await predict('tags', { top_k: 3 });
    for (const p of result.predictions) {
      expect(p.labels).toEqual(labels.filter((l) => p.scores![l]! >= 0.4));
      expect(Object.keys(p.scores!)).toHaveLength(3);
    }
  });
});
