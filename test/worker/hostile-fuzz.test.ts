import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseAdapter, fuzzCase } from '../bench/hostile/fuzz-cases';
import { runFuzz, type Send } from '../bench/hostile/fuzz-run';
import { fuzzSeeds, type FuzzSeeds } from '../bench/hostile/fuzz-seeds';
import { multipartBody } from '../bench/hostile/multipart-body';
import { encodeMessage } from '../bench/hostile/protobuf-tree';
import { seedAdapters } from '../bench/hostile/seed-adapters';
import { bystander, type Bystander } from '../helpers/bystander';
import { FIXTURE_FILES, fixture } from '../helpers/image-fixtures';
import { backboneBlock, startGraft, type Client, type Graft } from '../helpers/worker-fixtures';
import { buildWorkerBundle } from '../helpers/worker-harness';

// A short seeded run of the hostile bench's fuzzer (test/bench/hostile): mutated adapter models,
// manifests, upload forms, PNGs, JPEGs and WAVs through the upload and predict routes of real
// workerd. `npm run bench:hostile` runs 10,000 cases and measures memory.
const SEED = 20_251_207;
const CASES = 300;

describe('a seeded fuzz of uploads and image predicts', () => {
  let graft: Graft;
  let fuzzer: Client;
  let seeds: FuzzSeeds;
  let neighbour: Bystander;

  beforeAll(async () => {
    // Hundreds of requests from one tenant in seconds: lift every rate limit for this worker only.
    const { ratelimits } = await buildWorkerBundle();
    const unlimited = Object.fromEntries(Object.entries(ratelimits).map(([name, r]) => [name, { simple: { ...r.simple, limit: 1_000_000 } }]));
    graft = await startGraft({ miniflare: { ratelimits: unlimited } });
    neighbour = await bystander(graft);
    fuzzer = graft.client(await graft.createTenant('fuzzer'));
    const adapters = seedAdapters(backboneBlock(graft.backbone));
    const pixels = adapters.find((a) => a.modality === 'image')!;
    expect((await fuzzer.upload('pix', pixels.manifest, pixels.model)).status).toBe(201);
    seeds = fuzzSeeds(adapters, FIXTURE_FILES.map((name) => ({ name, bytes: fixture(name) })), ['pix']);
  });
  afterAll(() => graft?.stop());

  const send: Send = ({ method, path, body, type }) => fuzzer.fetch(path, { method, ...(body ? { body: new Uint8Array(body), headers: { 'content-type': type ?? '' } } : {}) });
  const seedInput = (modality: 'text' | 'image') =>
    modality === 'text'
      ? { body: new TextEncoder().encode(JSON.stringify({ inputs: [seeds.text] })), type: 'application/json' }
      : multipartBody([{ name: 'image', data: fixture('scene.jpg'), filename: 'scene.jpg' }]);

  it('every seed case is valid before mutation (the seeds upload and predict)', async () => {
    for (const seed of seeds.adapters) {
      const name = `seed-${seed.label}`;
      const res = await fuzzer.upload(name, { ...seed.manifest, name }, seed.model);
      expect(res.status, `${seed.label}: ${await res.clone().text()}`).toBe(201);
      const predicted = await send({ method: 'POST', path: `/v1/adapters/${name}/predict`, ...seedInput(seed.modality) });
      expect(predicted.status, `${seed.label}: ${await predicted.clone().text()}`).toBe(200);
    }
  });

  it("the fuzzer's protobuf walker re-encodes every seed model byte for byte", () => {
    for (const seed of seeds.adapters) expect(encodeMessage(seed.tree), seed.label).toEqual(seed.model);
  });

  it('cases are a function of (seed, index) alone', () => {
    const again = fuzzCase(seeds, SEED, 42);
    expect(again).toEqual(fuzzCase(seeds, SEED, 42));
    expect(again.request.path).toContain(again.followUp ? caseAdapter(42) : '/predict');
  });

  it(`${CASES} mutations: no 5xx, no crash, every refusal a problem+json with a code`, async () => {
    const report = await runFuzz({ seeds, seed: SEED, count: CASES, send, parallel: 2 });
    console.log(`hostile fuzz (${report.seconds} s, ${report.requests} requests): ${JSON.stringify(report.codes)}; by family ${JSON.stringify(report.ms_by_family)}`);
    expect(report.violations).toEqual([]);
    // Some mutants pass validation: each was then served (several rows) and deleted without a 5xx.
    expect(report.accepted_uploads).toBeGreaterThan(0);
    expect(Object.keys(report.by_family).sort()).toEqual(['jpeg', 'manifest', 'model', 'png', 'predict-form', 'upload-form', 'wav']);
  });

  it("left another tenant's answers unchanged", async () => {
    await neighbour.expectUnharmed();
  });
});
