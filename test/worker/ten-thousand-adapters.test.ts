import { Agent, request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGraft, tinyAdapter, type Graft } from '../helpers/worker-fixtures';

const ADAPTERS = Number(process.env.GRAFT_TEN_THOUSAND ?? 10_000);
// Small enough that most heads are evicted and some reloaded, so the byte accounting is exercised.
const BUDGET = 2 * 1024 * 1024;
// Requests in flight: the isolate runs one at a time anyway; a few hide the loopback round trips.
const PARALLEL = 8;

const BOUNDARY = 'graft-ten-thousand';

/** multipart/form-data by hand: undici's FormData encoding costs more CPU than the upload it sends. */
function uploadBody(manifest: unknown, model: Uint8Array): Buffer {
  const part = (name: string, extra: string) => `--${BOUNDARY}\r\ncontent-disposition: form-data; name="${name}"${extra}\r\n\r\n`;
  return Buffer.concat([
    Buffer.from(`${part('manifest', '\r\ncontent-type: application/json')}${JSON.stringify(manifest)}\r\n`),
    Buffer.from(part('model', '; filename="adapter.onnx"\r\ncontent-type: application/octet-stream')),
    Buffer.from(model),
    Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
  ]);
}

interface Health {
  adapters_cached: number;
  adapter_cache_bytes: number;
}

describe(`${ADAPTERS} distinct adapters through one isolate`, () => {
  let graft: Graft;
  let origin: string;
  let auth: Record<string, string>;

  beforeAll(async () => {
    graft = await startGraft({
      bindings: { ADAPTER_CACHE_BYTES: String(BUDGET) },
      miniflare: {
        // The rate limit (600/min per tenant) would stop this within a minute: raised here only.
        ratelimits: { RATE_LIMITER: { simple: { limit: 1_000_000, period: 60 } } },
        // In-memory D1 and R2: 10,000 commits to files on disk would dominate the run.
        d1Persist: false,
        r2Persist: false,
        // Straight to the worker: miniflare's entry worker would add a hop to 20,000 requests.
        unsafeDirectSockets: [{ host: '127.0.0.1', port: 0 }],
      },
    });
    auth = { authorization: `Bearer ${await graft.createTenant('many')}` };
    origin = (await graft.worker.mf.unsafeGetDirectURL()).toString().replace(/\/$/, '');
  });
  afterAll(() => graft?.stop());

  // node:http with keep-alive: fetch (undici) would cost more client CPU than the worker spends.
  const agent = new Agent({ keepAlive: true, maxSockets: PARALLEL });
  afterAll(() => agent.destroy());

  function send(method: string, path: string, body?: Buffer, type?: string): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string | number> = { ...auth };
      if (body) Object.assign(headers, { 'content-type': type!, 'content-length': body.length });
      const req = request(`${origin}${path}`, { method, agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  async function health(): Promise<Health> {
    return JSON.parse((await send('GET', '/healthz')).text) as Health;
  }

  async function uploadAndPredict(i: number): Promise<void> {
    const name = `head-${i}`;
    const { manifest, model } = tinyAdapter(graft.backbone, name, ['a', 'b'], i + 1);
    const put = await send('PUT', `/v1/adapters/${name}`, uploadBody(manifest, model), `multipart/form-data; boundary=${BOUNDARY}`);
    if (put.status !== 201) throw new Error(`upload ${name}: ${put.status} ${put.text}`);
    // Predict a head uploaded a while ago, so some predictions reload an evicted head from R2.
    const target = `head-${i % 2 === 0 ? i : Math.floor(i / 2)}`;
    const res = await send('POST', `/v1/adapters/${target}/predict`, Buffer.from(JSON.stringify({ inputs: [`free money w${i % 300}`] })), 'application/json');
    if (res.status !== 200) throw new Error(`predict ${target}: ${res.status} ${res.text}`);
    const out = JSON.parse(res.text) as { predictions: { label: string; score: number }[] };
    if (out.predictions.length !== 1 || !(out.predictions[0]!.score > 0)) throw new Error(`predict ${target}: ${res.text}`);
  }

  it('uploads each, predicts each once, and keeps cached bytes within the budget', async () => {
    let next = 0;
    let highWater = 0;
    const worker = async () => {
      for (let i = next++; i < ADAPTERS; i = next++) {
        await uploadAndPredict(i);
        if (i % 1000 === 999) highWater = Math.max(highWater, (await health()).adapter_cache_bytes);
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, worker));
    const end = await health();
    expect(end.adapter_cache_bytes).toBeGreaterThan(0);
    expect(Math.max(highWater, end.adapter_cache_bytes)).toBeLessThanOrEqual(BUDGET);
    expect(end.adapters_cached).toBeLessThan(ADAPTERS);
    const versions = await graft.worker.d1Exec("SELECT COUNT(*) AS n FROM adapter_versions");
    expect(Number(versions[0]!.n)).toBe(ADAPTERS);
  }, 600_000);
});
