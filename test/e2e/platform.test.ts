import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../core/hash/sha256';
import { graftHome } from '../../trainer/paths';
import { startS3Server, type S3TestServer } from '../helpers/s3-server';
import { writeSpamCsv } from '../helpers/spam-csv';
import { freePort, graft, startPlatformProcess, type StartedPlatform } from './platform-process';

// One platform for the whole file, started exactly as `npm start` starts it, driven through the CLI
// and plain HTTP. The backbone (16 MB, built by the global setup) and the feature cache are shared
// with the repository's .graft by symlink so nothing is rebuilt.
let home: string;
let endpoint: string;
let platform: StartedPlatform | undefined;
let adminToken: string;
const labelled: { text: string; label: string }[] = [];

const json = <T>(text: string) => JSON.parse(text) as T;

async function predictAll(key: string, adapter: string, texts: string[]): Promise<{ label: string; score: number }[]> {
  const out: { label: string; score: number }[] = [];
  for (let i = 0; i < texts.length; i += 64) {
    const response = await fetch(`${endpoint}/v1/adapters/${adapter}/predict`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: texts.slice(i, i + 64) }),
    });
    expect(response.status, await response.clone().text()).toBe(200);
    out.push(...((await response.json()) as { predictions: { label: string; score: number }[] }).predictions);
  }
  return out;
}

/** The `curl …` command `graft start` prints, continuation lines included. */
function printedCurl(output: string): string | undefined {
  const lines = output.split('\n');
  const start = lines.findIndex((l) => l.startsWith('curl -s '));
  if (start < 0) return undefined;
  let end = start;
  while (lines[end]!.endsWith('\\')) end++;
  return lines.slice(start, end + 1).join('\n');
}

async function admin(path: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${endpoint}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as Record<string, unknown>;
}

beforeAll(async () => {
  const shared = graftHome();
  home = await mkdtemp(path.join(tmpdir(), 'graft-e2e-'));
  await symlink(path.join(shared, 'backbones'), path.join(home, 'backbones'));
  await mkdir(path.join(shared, 'cache'), { recursive: true });
  await symlink(path.join(shared, 'cache'), path.join(home, 'cache'));
  platform = await startPlatformProcess(home, await freePort());
  const local = json<{ endpoint: string; adminToken: string }>(await readFile(path.join(home, 'local.json'), 'utf8'));
  endpoint = local.endpoint;
  adminToken = local.adminToken;
  labelled.push(...(await writeSpamCsv(path.join(home, 'mail.csv'), 300)));
}, 240_000);

afterAll(async () => {
  await platform?.stop();
  if (home) await rm(home, { recursive: true, force: true });
}, 60_000);

describe('the local platform, as a user drives it', () => {
  let acmeKey: string;
  let baseline: { label: string; score: number }[];

  it('starts with a working demo: local.json, the printed curl, and graft predict without flags', async () => {
    const curl = printedCurl(platform!.output());
    expect(curl).toMatch(/^curl -s http:\/\/127\.0\.0\.1:\d+\/v1\/adapters\/spam\/predict/);
    expect(adminToken.length).toBeGreaterThan(20);
    // The curl exactly as printed, pasted into a shell (where the machine has curl).
    if (spawnSync('sh', ['-c', 'command -v curl']).status === 0) {
      const pasted = spawnSync('sh', ['-c', curl!], { encoding: 'utf8' });
      expect(pasted.status, pasted.stderr).toBe(0);
      expect(json<{ predictions: { label: string }[] }>(pasted.stdout).predictions[0]!.label).toBe('spam');
    }
    const demo = await graft(home, ['predict', '--adapter', 'spam', '--json', 'WIN a FREE cruise!!! click here now to claim your prize']);
    expect(demo.code, demo.stderr).toBe(0);
    expect(json<{ predictions: { label: string }[] }>(demo.stdout).predictions[0]!.label).toBe('spam');
  });

  it('trains an adapter with the CLI, pushes it, and serves exactly what graft eval measured', async () => {
    const created = await graft(home, ['tenants', 'create', 'acme', '--json']);
    expect(created.code, created.stderr).toBe(0);
    expect(json<{ id: string }>(created.stdout).id).toBe('acme');
    const key = await graft(home, ['keys', 'create', '--tenant', 'acme', '--json']);
    expect(key.code, key.stderr).toBe(0);
    acmeKey = json<{ key: string }>(key.stdout).key;
    const dir = path.join(home, 'adapters', 'filter');
    const trained = await graft(home, ['train', '--data', path.join(home, 'mail.csv'), '--out', dir, '--name', 'filter', '--seed', '3', '--json']);
    expect(trained.code, trained.stderr).toBe(0);
    const pushed = await graft(home, ['push', dir, '--json'], { GRAFT_API_KEY: acmeKey });
    expect(pushed.code, pushed.stderr).toBe(0);
    expect(json<{ adapter: string; version: number; live: boolean }>(pushed.stdout)).toMatchObject({ adapter: 'filter', version: 1, live: true });

    const evaluated = await graft(home, ['eval', dir, '--data', path.join(home, 'mail.csv'), '--json']);
    expect(evaluated.code, evaluated.stderr).toBe(0);
    // The confusion matrix's diagonal: exact counts, where `accuracy` is rounded for display.
    const { confusion, examples } = json<{ confusion: number[][]; examples: number }>(evaluated.stdout);
    expect(examples).toBe(labelled.length);

    baseline = await predictAll(acmeKey, 'filter', labelled.map((r) => r.text));
    const served = baseline.filter((p, i) => p.label === labelled[i]!.label).length;
    expect(served).toBe(confusion.reduce((sum, row, i) => sum + row[i]!, 0));
  });

  it('keeps serving the previous version when a broken adapter is pushed under the same name', async () => {
    const broken = path.join(home, 'adapters', 'broken');
    await cp(path.join(home, 'adapters', 'filter'), broken, { recursive: true });
    const garbage = new TextEncoder().encode('this is not an ONNX model, just bytes that claim to be one');
    const manifest = json<Record<string, unknown>>(await readFile(path.join(broken, 'manifest.json'), 'utf8'));
    manifest.model = { sha256: await sha256Hex(garbage), bytes: garbage.length };
    await writeFile(path.join(broken, 'adapter.onnx'), garbage);
    await writeFile(path.join(broken, 'manifest.json'), JSON.stringify(manifest));

    const pushed = await graft(home, ['push', broken, '--name', 'filter'], { GRAFT_API_KEY: acmeKey });
    expect(pushed.code).toBe(2);
    expect(pushed.stderr).toMatch(/^graft: .+ \([a-z_]+\) — .+/);

    const shown = await graft(home, ['adapters', 'show', 'filter', '--json'], { GRAFT_API_KEY: acmeKey });
    expect(json<{ live_version: number; versions: unknown[] }>(shown.stdout)).toMatchObject({ live_version: 1, versions: [expect.anything()] });
    const listed = await graft(home, ['adapters', 'list', '--json'], { GRAFT_API_KEY: acmeKey });
    expect(json<{ adapters: { name: string; live_version: number }[] }>(listed.stdout).adapters).toEqual([
      expect.objectContaining({ name: 'filter', live_version: 1, latest_version: 1 }),
    ]);
    expect(await predictAll(acmeKey, 'filter', labelled.map((r) => r.text))).toEqual(baseline);
  });

  it("never lets a second tenant see or use the first tenant's adapter", async () => {
    await admin('/v1/admin/tenants', { name: 'other' });
    const issued = await admin('/v1/admin/tenants/other/keys', {});
    const otherKey = issued.key as string;
    const listed = await fetch(`${endpoint}/v1/adapters`, { headers: { authorization: `Bearer ${otherKey}` } });
    expect(((await listed.json()) as { adapters: unknown[] }).adapters).toEqual([]);
    const predicted = await graft(home, ['predict', '--adapter', 'filter', 'hello'], { GRAFT_API_KEY: otherKey });
    expect(predicted.code).toBe(2);
    expect(predicted.stderr).toContain('(adapter_not_found)');
    const shown = await fetch(`${endpoint}/v1/adapters/filter`, { headers: { authorization: `Bearer ${otherKey}` } });
    expect(shown.status).toBe(404);
    expect(((await shown.json()) as { code: string }).code).toBe('adapter_not_found');

    const revoked = await graft(home, ['keys', 'revoke', '--tenant', 'other', issued.id as string]);
    expect(revoked.code, revoked.stderr).toBe(0);
    // Revocation reaches the isolate's key cache within its staleness bound (2 s).
    await new Promise((r) => setTimeout(r, 2_500));
    const refused = await fetch(`${endpoint}/v1/adapters`, { headers: { authorization: `Bearer ${otherKey}` } });
    expect(refused.status).toBe(401);
  });

  it('pushes an adapter that graft train wrote to S3', async () => {
    let s3: S3TestServer | undefined;
    try {
      s3 = await startS3Server(['graft-test']);
      const s3Env = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'auto' };
      const url = 's3://graft-test/adapters/filter-s3';
      const trained = await graft(home, ['train', '--data', path.join(home, 'mail.csv'), '--out', url, '--name', 'filter-s3', '--seed', '3', '--s3-endpoint', s3.endpoint, '--json'], s3Env);
      expect(trained.code, trained.stderr).toBe(0);
      const pushed = await graft(home, ['push', url, '--s3-endpoint', s3.endpoint, '--json'], { ...s3Env, GRAFT_API_KEY: acmeKey });
      expect(pushed.code, pushed.stderr).toBe(0);
      expect(json<{ adapter: string }>(pushed.stdout).adapter).toBe('filter-s3');
      // Same data, seed and backbone as the folder-trained adapter: the same predictions.
      expect(await predictAll(acmeKey, 'filter-s3', labelled.slice(0, 64).map((r) => r.text))).toEqual(baseline.slice(0, 64));

      // Stage a second version, promote it, then delete the adapter.
      const staged = await graft(home, ['push', path.join(home, 'adapters', 'filter'), '--name', 'filter-s3', '--no-activate', '--json'], { GRAFT_API_KEY: acmeKey });
      expect(json<{ version: number; live: boolean }>(staged.stdout)).toMatchObject({ version: 2, live: false });
      const activated = await graft(home, ['adapters', 'activate', 'filter-s3', '--version', '2', '--json'], { GRAFT_API_KEY: acmeKey });
      expect(json<{ version: number; previous: number }>(activated.stdout)).toMatchObject({ version: 2, previous: 1 });
      const deleted = await graft(home, ['adapters', 'delete', 'filter-s3'], { GRAFT_API_KEY: acmeKey });
      expect(deleted.code, deleted.stderr).toBe(0);
      const gone = await fetch(`${endpoint}/v1/adapters/filter-s3`, { headers: { authorization: `Bearer ${acmeKey}` } });
      expect(gone.status).toBe(404);
    } finally {
      await s3?.stop();
    }
  });

  it('restarts fast on the same state: no retraining, the same demo key', async () => {
    const before = await readFile(path.join(home, 'local.json'), 'utf8');
    expect(await platform!.stop()).toBe(0);
    platform = undefined;
    const started = Date.now();
    platform = await startPlatformProcess(home, new URL(endpoint).port ? Number(new URL(endpoint).port) : 80);
    const seconds = (Date.now() - started) / 1000;
    expect(platform.output()).not.toMatch(/training the demo adapter|issued an API key|applying D1 migrations/);
    expect(await readFile(path.join(home, 'local.json'), 'utf8')).toBe(before);
    expect(existsSync(path.join(home, 'state'))).toBe(true);
    expect(await predictAll(acmeKey, 'filter', labelled.slice(0, 64).map((r) => r.text))).toEqual(baseline.slice(0, 64));
    expect(seconds).toBeLessThan(60);
  });
});
