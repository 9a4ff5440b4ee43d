import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../core/hash/sha256';
import { adapterModelKey } from '../../core/storage/keys';
import { bystander, type Bystander } from '../helpers/bystander';
import { startGraft, tinyAdapter, type Client, type Graft } from '../helpers/worker-fixtures';

const CRON = '17 * * * *';

/** A run whose scheduled time puts every blob uploaded so far past the grace period (a day, in
 * functions/limits.ts; imported from there it would pull workers types into the Node project). */
const pastGrace = () => new Date(Date.now() + 30 * 24 * 60 * 60 * 1000);

/** Dispatches the worker's scheduled handler, as the cron trigger would, through miniflare. */
async function collect(graft: Graft, scheduledTime = pastGrace()): Promise<void> {
  const worker = await graft.worker.mf.getWorker();
  const started = performance.now();
  const result = await worker.scheduled({ scheduledTime, cron: CRON });
  console.log(`collector run: ${(performance.now() - started).toFixed(0)} ms`);
  expect(result.outcome).toBe('ok');
}

async function keys(graft: Graft, prefix: string): Promise<string[]> {
  const bucket = await graft.worker.mf.getR2Bucket('ARTIFACTS');
  const found: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await bucket.list({ prefix, ...(cursor ? { cursor } : {}) });
    found.push(...page.objects.map((o) => o.key));
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return found;
}

async function upload(client: Client, name: string, model: Uint8Array, graft: Graft, query = ''): Promise<string> {
  const res = await client.upload(name, tinyAdapter(graft.backbone, name).manifest, model, query);
  expect(res.status, await res.clone().text()).toBe(201);
  return adapterModelKey('acme', name, await sha256Hex(model));
}

const head = (graft: Graft, seed: number) => tinyAdapter(graft.backbone, 'any', ['ham', 'spam'], seed).model;

describe('orphan collection: a scheduled run removes unreferenced adapter blobs, and only those', () => {
  let graft: Graft;
  let acme: Client;
  let b: Bystander;
  let backbones: string[];

  beforeAll(async () => {
    graft = await startGraft();
    b = await bystander(graft);
    acme = graft.client(await graft.createTenant('acme'));
    backbones = await keys(graft, 'backbones/');
  });
  afterAll(() => graft?.stop());

  it('collects the blob of a failed commit, once past the grace period', async () => {
    // A real D1 failure in the real upload path: the blob is written, the commit batch aborts.
    await graft.worker.d1Exec(
      `CREATE TRIGGER fail_commit BEFORE INSERT ON adapter_versions WHEN NEW.name = 'doomed'
       BEGIN SELECT RAISE(ABORT, 'injected commit failure'); END`,
    );
    const model = head(graft, 21);
    const key = adapterModelKey('acme', 'doomed', await sha256Hex(model));
    const failed = await acme.upload('doomed', tinyAdapter(graft.backbone, 'doomed').manifest, model);
    expect(failed.status).toBe(500);
    await graft.worker.d1Exec('DROP TRIGGER fail_commit');
    expect(await keys(graft, 'adapters/acme/doomed/')).toEqual([key]);

    await collect(graft, new Date());
    expect(await keys(graft, 'adapters/acme/doomed/'), 'younger than the grace period').toEqual([key]);
    await collect(graft);
    expect(await keys(graft, 'adapters/acme/doomed/')).toEqual([]);
    expect(await keys(graft, 'backbones/')).toEqual(backbones);
    await b.expectUnharmed();
  });

  it('collects every blob of a deleted adapter', async () => {
    const v1 = await upload(acme, 'gone', head(graft, 31), graft);
    const v2 = await upload(acme, 'gone', head(graft, 32), graft, '?activate=false');
    expect((await acme.json('DELETE', '/v1/adapters/gone')).status).toBe(204);
    expect((await keys(graft, 'adapters/acme/gone/')).sort()).toEqual([v1, v2].sort());
    await collect(graft);
    expect(await keys(graft, 'adapters/acme/gone/')).toEqual([]);
    await b.expectUnharmed();
  });

  it('keeps inactive versions, and a blob a re-created name shares with a hidden version', async () => {
    const live = await upload(acme, 'kept', head(graft, 41), graft);
    const inactive = await upload(acme, 'kept', head(graft, 42), graft, '?activate=false');
    const hiddenOnly = await upload(acme, 'reborn', head(graft, 43), graft);
    const shared = await upload(acme, 'reborn', head(graft, 44), graft);
    expect((await acme.json('DELETE', '/v1/adapters/reborn')).status).toBe(204);
    // Versions 1 and 2 stay hidden below the floor; version 3 serves the bytes of version 2.
    await upload(acme, 'reborn', head(graft, 44), graft);

    await collect(graft);
    expect((await keys(graft, 'adapters/acme/kept/')).sort()).toEqual([live, inactive].sort());
    expect(await keys(graft, 'adapters/acme/reborn/')).toEqual([shared]);
    expect(hiddenOnly).not.toBe(shared);
    expect(await graft.worker.r2Get(inactive)).toEqual(head(graft, 42));
    const pinned = await acme.predict('kept', { inputs: ['free money'], version: 2 });
    expect(pinned.status, await pinned.clone().text()).toBe(200);
    await b.expectUnharmed();
  });

  it('leaves keys outside the adapter layout alone, and a second run changes nothing', async () => {
    await graft.worker.r2Put('adapters/acme/notes.txt', 'not a blob');
    await graft.worker.r2Put('adapters/acme/kept/not-a-digest.onnx', 'not a blob');
    await collect(graft);
    const after = [...(await keys(graft, 'adapters/')), ...(await keys(graft, 'backbones/'))];
    expect(after).toContain('adapters/acme/notes.txt');
    expect(after).toContain('adapters/acme/kept/not-a-digest.onnx');
    await collect(graft);
    expect([...(await keys(graft, 'adapters/')), ...(await keys(graft, 'backbones/'))]).toEqual(after);
    await b.expectUnharmed();
  });
});

describe('orphan collection works in bounded pages and resumes where the last run stopped', () => {
  let graft: Graft;
  let b: Bystander;

  beforeAll(async () => {
    // Two pages of two keys per run, so six keys take two runs.
    graft = await startGraft({ bindings: { ORPHAN_LIST_KEYS: '2', ORPHAN_PAGES_PER_RUN: '2' } });
    b = await bystander(graft);
  });
  afterAll(() => graft?.stop());

  it('deletes at most one run of pages per run, then finishes and starts over', async () => {
    const ghosts = await Promise.all([1, 2, 3, 4, 5].map(async (i) => adapterModelKey('ghost', `orphan-${i}`, await sha256Hex(`${i}`))));
    for (const key of ghosts) await graft.worker.r2Put(key, 'left by a failed commit');
    // In key order: the bystander's live blob, then the five ghosts.
    expect(await keys(graft, 'adapters/')).toHaveLength(6);

    await collect(graft);
    expect(await keys(graft, 'adapters/ghost/'), 'one run reads four keys: the live blob and three ghosts').toEqual(ghosts.slice(3));
    expect(await keys(graft, 'collector/'), 'where the next run resumes').toHaveLength(1);

    await collect(graft);
    expect(await keys(graft, 'adapters/ghost/')).toEqual([]);
    expect(await keys(graft, 'collector/'), 'reached the end: the next run starts over').toEqual([]);

    await collect(graft);
    expect(await keys(graft, 'adapters/')).toHaveLength(1);
    await b.expectUnharmed();
  });
});

describe('a blob whose bytes no longer match its sha256 is rewritten by the next upload of them', () => {
  let graft: Graft;
  let acme: Client;
  let b: Bystander;

  beforeAll(async () => {
    graft = await startGraft();
    b = await bystander(graft);
    acme = graft.client(await graft.createTenant('acme'));
  });
  afterAll(() => graft?.stop());

  it('same-size garbage is replaced, not skipped because its size matches', async () => {
    const model = head(graft, 51);
    const key = await upload(acme, 'heal', model, graft);
    const bucket = await graft.worker.mf.getR2Bucket('ARTIFACTS');
    const written = await bucket.head(key);

    const again = await upload(acme, 'heal', model, graft);
    expect(again).toBe(key);
    expect((await bucket.head(key))?.uploaded, 'a sound, fresh blob is not written twice').toEqual(written?.uploaded);

    const garbage = new Uint8Array(model.length).fill(0x5a);
    await graft.worker.r2Put(key, garbage);
    expect(await graft.worker.r2Get(key)).toEqual(garbage);

    await upload(acme, 'heal', model, graft);
    const healed = await graft.worker.r2Get(key);
    expect(healed && (await sha256Hex(healed))).toBe(await sha256Hex(model));
    const res = await acme.predict('heal', { inputs: ['free money'] });
    expect(res.status, await res.clone().text()).toBe(200);
    await b.expectUnharmed();
  });

  it('a blob of other bytes under the key is replaced too', async () => {
    const model = head(graft, 52);
    const key = await upload(acme, 'heal-2', model, graft);
    await graft.worker.r2Put(key, model.subarray(0, model.length - 7));
    await upload(acme, 'heal-2', model, graft);
    expect(await graft.worker.r2Get(key)).toEqual(model);
    await b.expectUnharmed();
  });
});
