import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeModel } from '../../core/onnx/encode-model';
import { GraphBuilder } from '../../core/onnx/graph-builder';
import { featureWidth, type AdapterManifest } from '../../core/schemas/adapter-manifest';
import type { FeatureBlock } from '../../core/schemas/feature-block';
import { bystander, type Bystander } from '../helpers/bystander';
import { seededFloats } from '../helpers/onnx-fixtures';
import { backboneBlock, expectProblem, linearHead, manifestFor, startGraft, tinyAdapter, TINY_DIM, type Client, type Graft } from '../helpers/worker-fixtures';

/**
 * Item 4 of "no tenant can hurt another": the adapter cache and the ORT run queue are shared by
 * every tenant of an isolate, so each tenant gets a share of both; a request's runs have a
 * deadline; and what a tenant stores is bounded by quotas. Each attack is followed by a bystander
 * tenant's predict, which must answer exactly as before.
 */

const HIDDEN = 512;
const LAYERS = 8;
/** The largest batch: one ORT run of the heavy head over it costs ~130M multiply-adds. */
const ROWS = Array.from({ length: 64 }, (_, i) => `text number ${i} free money`);
/** No rate limit: these tests attack the isolate, not the per-tenant request rate. */
const UNLIMITED = { ratelimits: { RATE_LIMITER: { simple: { limit: 1_000_000, period: 60 } } } };

/** An ORT-only head (MatMul and Tanh, which the TypeScript evaluator declines): ~2M MACs a row. */
function heavyHead(seed: number): Uint8Array {
  const g = new GraphBuilder('heavy_head');
  let h = g.input('features', 'float32', ['N', TINY_DIM]);
  h = g.node('Tanh', [g.node('MatMul', [h, g.initializer('W0', seededFloats(TINY_DIM * HIDDEN, seed), [TINY_DIM, HIDDEN])])]);
  const w = g.initializer('W', seededFloats(HIDDEN * HIDDEN, seed + 1).map((v) => v / Math.sqrt(HIDDEN)), [HIDDEN, HIDDEN]);
  for (let i = 0; i < LAYERS; i++) h = g.node('Tanh', [g.node('MatMul', [h, w])]);
  const logits = g.node('MatMul', [h, g.initializer('Wout', seededFloats(HIDDEN * 2, seed + 2), [HIDDEN, 2])]);
  g.output(g.node('Softmax', [logits], { axis: 1 }), 'float32', ['N', 2], 'probs');
  return encodeModel(g.toModel({ opset: 17 }));
}

/** A one-MatMul head over `manifest`'s features, run by ORT (the TypeScript evaluator takes only Gemm). */
function matMulHead(manifest: AdapterManifest, seed = 1): Uint8Array {
  const width = featureWidth(manifest);
  const k = manifest.labels.length;
  const g = new GraphBuilder('matmul_head');
  const x = g.input('features', 'float32', ['N', width]);
  const logits = g.node('MatMul', [x, g.initializer('W', seededFloats(width * k, seed), [width, k])]);
  g.output(g.node('Softmax', [logits], { axis: 1 }), 'float32', ['N', k], 'probs');
  return encodeModel(g.toModel({ opset: 17 }));
}

function lexical(dim: number): FeatureBlock[] {
  return [{ source: 'hashed-ngrams', dim, ngrams: [1, 2] }];
}

async function uploadOk(client: Client, name: string, manifest: unknown, model: Uint8Array): Promise<void> {
  const res = await client.upload(name, manifest, model);
  expect(res.status, await res.clone().text()).toBe(201);
}

async function predictions(client: Client, name: string, inputs = ['free money', 'w77 w88']): Promise<unknown> {
  const res = await client.predict(name, { inputs, top_k: 2 });
  expect(res.status, await res.clone().text()).toBe(200);
  const { version, predictions } = (await res.json()) as { version: number; predictions: unknown };
  return { version, predictions };
}

interface Health {
  adapters_cached: number;
  adapter_cache_bytes: number;
  adapter_cache_hits: number;
  adapter_cache_misses: number;
}

describe('adapter cache: a tenant past its share evicts only its own heads', () => {
  // Heads over 4,112 features cost ~53 KB each in the cache: the budget holds ~11, a share ~2.8.
  const BUDGET = 600_000;
  let graft: Graft;
  let steady: Bystander;

  beforeAll(async () => {
    graft = await startGraft({ bindings: { ADAPTER_CACHE_BYTES: String(BUDGET) }, miniflare: UNLIMITED });
    steady = await bystander(graft);
  });
  afterAll(() => graft?.stop());

  const health = async () => (await (await graft.worker.fetch('/healthz')).json()) as Health;

  it('keeps the victim cached while the flooder cycles through 40 heads, and lets a lone tenant fill the cache', async () => {
    const victim = graft.client(await graft.createTenant('victim'));
    const flooder = graft.client(await graft.createTenant('flooder'));
    const head = (name: string, seed: number) => ({ manifest: manifestFor(name, ['a', 'b', 'c'], [backboneBlock(graft.backbone), ...lexical(4096)]), model: linearHead(TINY_DIM + 4096, 3, seed) });
    const mine = ['own-0', 'own-1'];
    const answers = new Map<string, unknown>();
    for (const [i, name] of mine.entries()) {
      const { manifest, model } = head(name, 100 + i);
      await uploadOk(victim, name, manifest, model);
      answers.set(name, await predictions(victim, name));
    }
    for (let i = 0; i < 40; i++) {
      const { manifest, model } = head(`flood-${i}`, i);
      await uploadOk(flooder, `flood-${i}`, manifest, model);
      await predictions(flooder, `flood-${i}`);
    }
    const before = await health();
    expect(before.adapter_cache_bytes).toBeLessThanOrEqual(BUDGET);
    for (const name of mine) expect(await predictions(victim, name)).toEqual(answers.get(name));
    const after = await health();
    console.log(JSON.stringify({ scenario: 'cache flood', victimMisses: after.adapter_cache_misses - before.adapter_cache_misses, cached: after.adapters_cached, bytes: after.adapter_cache_bytes }));
    expect(after.adapter_cache_misses - before.adapter_cache_misses).toBe(0);
    expect(after.adapter_cache_hits - before.adapter_cache_hits).toBe(mine.length);
    await steady.expectUnharmed();
    // Well past its share (a quarter), the flooder still used the room nobody else needed.
    expect(after.adapter_cache_bytes).toBeGreaterThan(BUDGET / 2);
  });
});

interface Flooded {
  graft: Graft;
  flooder: Client;
  victim: Client;
  steady: Bystander;
}

/** A worker where a flooder and a victim each have a heavy ORT head, and a bystander. */
async function floodable(bindings: Record<string, string> = {}): Promise<Flooded> {
  const graft = await startGraft({ bindings, miniflare: UNLIMITED });
  const steady = await bystander(graft);
  const flooder = graft.client(await graft.createTenant('flooder'));
  const victim = graft.client(await graft.createTenant('victim'));
  await uploadOk(flooder, 'heavy', manifestFor('heavy', ['a', 'b'], [backboneBlock(graft.backbone)]), heavyHead(1));
  await uploadOk(victim, 'heavy', manifestFor('heavy', ['a', 'b'], [backboneBlock(graft.backbone)]), heavyHead(7));
  return { graft, flooder, victim, steady };
}

interface Outcome {
  status: number;
  ms: number;
  body: string;
  retryAfter: string | null;
  type: string | null;
}

/** `count` heavy predicts from the flooder at once; each answer is pushed to `events`. */
function flood(flooder: Client, count: number, events: string[]): Promise<Outcome[]> {
  return Promise.all(
    Array.from({ length: count }, async () => {
      const start = performance.now();
      const res = await flooder.predict('heavy', { inputs: ROWS });
      const body = await res.text();
      events.push(`flood:${res.status}`);
      return { status: res.status, ms: performance.now() - start, body, retryAfter: res.headers.get('retry-after'), type: res.headers.get('content-type') };
    }),
  );
}

describe('ORT run queue: tenants take turns', () => {
  let t: Flooded;

  beforeAll(async () => {
    t = await floodable();
  });
  afterAll(() => t?.graft.stop());

  it("serves another tenant's run after about one of the flooder's per turn", async () => {
    const alone = performance.now();
    await predictions(t.victim, 'heavy', ROWS);
    const aloneMs = performance.now() - alone;
    const FLOOD = 32;
    const events: string[] = [];
    const flooding = flood(t.flooder, FLOOD, events);
    // Its first answer means every other flood run is queued in the isolate.
    while (events.length === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    events.push('victim:sent');
    const start = performance.now();
    const res = await t.victim.predict('heavy', { inputs: ROWS });
    events.push('victim:answered');
    const victimMs = performance.now() - start;
    expect(res.status, await res.text()).toBe(200);
    const outcomes = await flooding;
    const ahead = events.indexOf('victim:answered') - events.indexOf('victim:sent') - 1;
    console.log(JSON.stringify({ scenario: 'ORT flood', floodRequests: FLOOD, floodAnsweredBeforeVictim: ahead, aloneMs: +aloneMs.toFixed(1), victimMs: +victimMs.toFixed(1), flood: countBy(outcomes.map((o) => o.status)) }));
    // First come, first served, the victim waited for every queued flood run (31 of 32).
    expect(ahead).toBeLessThan(FLOOD / 4);
    expect(outcomes.every((o) => o.status === 200)).toBe(true);
    await t.steady.expectUnharmed();
  });
});

describe('ORT run deadline', () => {
  const DEADLINE_MS = 150;
  let t: Flooded;

  beforeAll(async () => {
    t = await floodable({ RUN_DEADLINE_MS: String(DEADLINE_MS) });
  });
  afterAll(() => t?.graft.stop());

  it('drops queued runs past the deadline with run_deadline_exceeded, never a 500', async () => {
    const outcomes = await flood(t.flooder, 32, []);
    const statuses = countBy(outcomes.map((o) => o.status));
    const refusedMs = outcomes.filter((o) => o.status === 503).map((o) => o.ms);
    const errors = outcomes.filter((o) => o.status >= 500 && o.status !== 503).map((o) => o.body.slice(0, 300));
    console.log(JSON.stringify({ scenario: 'deadline', deadlineMs: DEADLINE_MS, statuses, slowestRefusalMs: +Math.max(...refusedMs).toFixed(1), errors }));
    expect(Object.keys(statuses).sort()).toEqual(['200', '503']);
    for (const refused of outcomes.filter((o) => o.status === 503)) {
      expect(refused.type).toMatch(/^application\/problem\+json/);
      expect(JSON.parse(refused.body)).toMatchObject({ code: 'run_deadline_exceeded', status: 503 });
      expect(refused.retryAfter).toBe('1');
    }
    await predictions(t.victim, 'heavy', ROWS);
    await t.steady.expectUnharmed();
  });
});

function countBy(values: number[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
  return counts;
}

describe('an ORT head whose input at the maximum batch is too large is refused at upload', () => {
  let graft: Graft;
  let acme: Client;
  let steady: Bystander;

  beforeAll(async () => {
    graft = await startGraft();
    steady = await bystander(graft);
    acme = graft.client(await graft.createTenant('acme'));
  });
  afterAll(() => graft?.stop());

  it('run_input_too_large: 64 rows × 40,016 features × 4 bytes is over 8 MiB; the live version keeps serving', async () => {
    const { manifest, model } = tinyAdapter(graft.backbone, 'wide');
    await uploadOk(acme, 'wide', manifest, model);
    const live = await predictions(acme, 'wide');
    const wide = manifestFor('wide', ['ham', 'spam'], [backboneBlock(graft.backbone), ...lexical(40_000)]);
    const start = performance.now();
    const refused = await acme.upload('wide', wide, matMulHead(wide));
    console.log(JSON.stringify({ scenario: 'wide ORT head', refuseMs: +(performance.now() - start).toFixed(1) }));
    await expectProblem(refused, 422, 'run_input_too_large');
    expect(await predictions(acme, 'wide')).toEqual(live);
    // The same head 8,000 features narrower fits, and runs at the maximum batch.
    const narrower = manifestFor('wide', ['ham', 'spam'], [backboneBlock(graft.backbone), ...lexical(32_000)]);
    await uploadOk(acme, 'wide', narrower, matMulHead(narrower));
    await predictions(acme, 'wide', ROWS);
    await steady.expectUnharmed();
  });
});

describe('per-tenant quotas: adapters, versions per adapter, stored bytes', () => {
  const STORED = 200_000;
  let graft: Graft;
  let steady: Bystander;

  beforeAll(async () => {
    graft = await startGraft({
      entry: 'test/worker-fixtures/quota-guard-worker.ts',
      bindings: { MAX_ADAPTERS_PER_TENANT: '3', MAX_VERSIONS_PER_ADAPTER: '2', MAX_TENANT_STORED_BYTES: String(STORED) },
      miniflare: UNLIMITED,
    });
    steady = await bystander(graft);
  });
  afterAll(() => graft?.stop());

  const small = (name: string, seed = 1) => tinyAdapter(graft.backbone, name, ['ham', 'spam'], seed);

  /** Uploads and expects the refusal, then the live version of `live` answering as before. */
  async function refused(client: Client, name: string, adapter: { manifest: unknown; model: Uint8Array }, code: string, live: string): Promise<void> {
    const before = await predictions(client, live);
    const start = performance.now();
    const res = await client.upload(name, adapter.manifest, adapter.model);
    const refuseMs = performance.now() - start;
    const body = await expectProblem(res, 409, code);
    console.log(JSON.stringify({ scenario: code, refuseMs: +refuseMs.toFixed(1), detail: body.detail }));
    expect(await predictions(client, live)).toEqual(before);
    await steady.expectUnharmed();
  }

  it('version_quota_exceeded: a third version of one adapter; the second keeps serving', async () => {
    const acme = graft.client(await graft.createTenant('versions'));
    await uploadOk(acme, 'a', small('a').manifest, small('a', 1).model);
    await uploadOk(acme, 'a', small('a').manifest, small('a', 2).model);
    await refused(acme, 'a', small('a', 3), 'version_quota_exceeded', 'a');
    expect(((await predictions(acme, 'a')) as { version: number }).version).toBe(2);
  });

  it('adapter_quota_exceeded: a fourth adapter; new versions of existing ones still go in, and a delete frees a place', async () => {
    const acme = graft.client(await graft.createTenant('adapters'));
    for (const name of ['a', 'b', 'c']) await uploadOk(acme, name, small(name).manifest, small(name).model);
    await refused(acme, 'd', small('d'), 'adapter_quota_exceeded', 'a');
    await uploadOk(acme, 'b', small('b').manifest, small('b', 5).model);
    expect((await acme.json('DELETE', '/v1/adapters/c')).status).toBe(204);
    await uploadOk(acme, 'd', small('d').manifest, small('d').model);
  });

  it('storage_quota_exceeded: models and manifests past the bytes allowed; a delete frees them', async () => {
    const acme = graft.client(await graft.createTenant('storage'));
    // ~72 KB each: two fit in 200,000 bytes, a third does not.
    const big = (name: string, seed: number) => {
      const manifest = manifestFor(name, ['a', 'b', 'c'], [backboneBlock(graft.backbone), ...lexical(6000)]);
      return { manifest, model: linearHead(featureWidth(manifest), 3, seed) };
    };
    await uploadOk(acme, 'x', big('x', 1).manifest, big('x', 1).model);
    await uploadOk(acme, 'y', big('y', 2).manifest, big('y', 2).model);
    await refused(acme, 'x', big('x', 3), 'storage_quota_exceeded', 'x');
    expect((await acme.json('DELETE', '/v1/adapters/y')).status).toBe(204);
    await uploadOk(acme, 'x', big('x', 3).manifest, big('x', 3).model);
  });

  it('holds under concurrent uploads: of six racing for the last place, exactly one commits', async () => {
    const racer = graft.client(await graft.createTenant('racer'));
    for (const name of ['a', 'b']) await uploadOk(racer, name, small(name).manifest, small(name).model);
    // Its key cached first, so the six reach the quota check together, before any commits.
    expect((await racer.json('GET', '/v1/adapters')).status).toBe(200);
    const results = await Promise.all(['r0', 'r1', 'r2', 'r3', 'r4', 'r5'].map((name, i) => racer.upload(name, small(name).manifest, small(name, 10 + i).model)));
    const bodies = await Promise.all(results.map(async (res) => (res.status === 201 ? { code: 201, detail: '' } : ((await res.json()) as { code: string; detail: string }))));
    const codes = bodies.map((b) => b.code);
    // Refused by the guard in the commit's batch, after passing the check before the blob write.
    const atCommit = bodies.filter((b) => b.detail.includes('concurrent')).length;
    console.log(JSON.stringify({ scenario: 'racing uploads', codes, refusedAtCommit: atCommit }));
    expect(codes.filter((c) => c === 201)).toHaveLength(1);
    expect(codes.filter((c) => c === 'adapter_quota_exceeded')).toHaveLength(5);
    const [row] = await graft.worker.d1Exec("SELECT COUNT(*) AS n FROM adapters WHERE tenant_id = 'racer' AND deleted_at IS NULL");
    expect(Number(row!.n)).toBe(3);
    await steady.expectUnharmed();
  });

  it('refuses at commit, rolling the whole batch back, what passed its check before another upload took the place', async () => {
    // The fixture worker commits without checkQuotas, as an upload does whose check went stale:
    // the guard in the batch is what then stands between it and a broken quota.
    const commit = async (tenant: string, name: string, bytes: number) => {
      const version = { tenant, name, sha256: '0'.repeat(64), bytes, blobKey: `adapters/${tenant}/${name}/x`, manifest: '{}', actor: 'test', at: new Date().toISOString(), activate: true };
      const quotas = { maxAdapters: 3, maxVersionsPerAdapter: 2, maxStoredBytes: STORED };
      const res = await graft.worker.fetch('/test/commit-unchecked', { method: 'POST', body: JSON.stringify({ ...version, quotas }) });
      return { status: res.status, ...((await res.json()) as object) };
    };
    const usage = () => graft.worker.d1Exec('SELECT * FROM tenant_usage ORDER BY tenant_id');
    const before = await usage();
    expect(await commit('racer', 'late', 10)).toEqual({ status: 409, code: 'adapter_quota_exceeded' });
    expect(await commit('versions', 'a', 10)).toEqual({ status: 409, code: 'version_quota_exceeded' });
    expect(await commit('adapters', 'd', STORED)).toEqual({ status: 409, code: 'storage_quota_exceeded' });
    expect(await usage()).toEqual(before);
    expect(await graft.worker.d1Exec("SELECT name FROM adapters WHERE tenant_id = 'racer' AND name = 'late'")).toEqual([]);
    expect(await commit('racer', 'a', 10)).toEqual({ status: 200, version: 2 });
  });

  it('keeps the counters equal to what they count', async () => {
    const counted = await graft.worker.d1Exec('SELECT tenant_id, adapters, bytes FROM tenant_usage ORDER BY tenant_id');
    const recount = await graft.worker.d1Exec(`
      SELECT a.tenant_id, COUNT(*) AS adapters, SUM((SELECT SUM(v.bytes + length(CAST(v.manifest AS BLOB))) FROM adapter_versions v
        WHERE v.tenant_id = a.tenant_id AND v.name = a.name AND v.version > a.floor_version)) AS bytes
      FROM adapters a WHERE a.deleted_at IS NULL GROUP BY a.tenant_id ORDER BY a.tenant_id`);
    expect(counted).toEqual(recount);
  });
});
