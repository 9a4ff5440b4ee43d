import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bystander, type Bystander } from '../helpers/bystander';
import {
  expectProblem,
  multipart,
  startGraft,
  TEST_ADMIN_TOKEN,
  tinyAdapter,
  uploadForm,
  type Client,
  type Graft,
} from '../helpers/worker-fixtures';

/** The window in which an isolate may trust a cached key (ALIAS_STALENESS_MS in functions/limits.ts). */
const STALENESS_MS = 2_000;
/** Long enough for the worker to have authenticated a request whose body is still on its way. */
const AUTH_SETTLES_MS = 300;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function hex(bytes: number): string {
  return [...crypto.getRandomValues(new Uint8Array(bytes))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Shaped like a real key (`gft_<16 hex>_<43 base64url>`), so only D1 can say it is unknown. */
function randomKey(): string {
  return `gft_${hex(8)}_${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url')}`;
}

function headers(address: string | undefined, authorization: string | undefined): Record<string, string> {
  return { ...(address ? { 'cf-connecting-ip': address } : {}), ...(authorization ? { authorization } : {}) };
}

describe('hostile clients without credentials, and revocation', () => {
  let graft: Graft;
  let b: Bystander;
  let limit: number;
  let period: number;

  /** GET /v1/adapters with `key` from `address` (undefined: no CF-Connecting-IP, as locally). */
  const listAs = (address: string | undefined, key: string) => graft.worker.fetch('/v1/adapters', { headers: headers(address, `Bearer ${key}`) });

  /** Sends refused credentials until the address is turned away; returns how many were refused first. */
  async function exhaust(attempt: () => Promise<Response>): Promise<{ refused: number; limited: Response; msPerRefusal: number }> {
    const started = performance.now();
    // A window may end mid-way (the binding counts per fixed minute): at most twice the budget.
    for (let refused = 0; refused <= 2 * limit; refused++) {
      const res = await attempt();
      if (res.status === 429) return { refused, limited: res, msPerRefusal: (performance.now() - started) / Math.max(refused, 1) };
      await expectProblem(res, 401, 'unauthorized');
    }
    throw new Error(`still refusing with 401 after ${2 * limit + 1} failures`);
  }

  /** Runs `during` with the api_keys table renamed away: a request that reads a key from D1 then fails. */
  async function withoutKeyTable(during: () => Promise<void>): Promise<void> {
    await graft.worker.d1Exec('ALTER TABLE api_keys RENAME TO api_keys_away');
    try {
      await during();
    } finally {
      await graft.worker.d1Exec('ALTER TABLE api_keys_away RENAME TO api_keys');
    }
  }

  async function issueKey(tenant: string): Promise<{ id: string; key: string }> {
    const res = await graft.admin(`/v1/admin/tenants/${tenant}/keys`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(201);
    return (await res.json()) as { id: string; key: string };
  }

  /** An upload whose body is held back after its first half until `finish()`. */
  async function heldUpload(client: Client, name: string, seed: number): Promise<{ response: Promise<Response>; finish: () => void }> {
    const { manifest, model } = tinyAdapter(graft.backbone, name, ['ham', 'spam'], seed);
    const { body, headers: type } = await multipart(uploadForm(manifest, model));
    const bytes = new Uint8Array(body);
    const half = bytes.length >> 1;
    let finish!: () => void;
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.slice(0, half));
        finish = () => {
          controller.enqueue(bytes.slice(half));
          controller.close();
        };
      },
    });
    const init = { method: 'PUT', body: stream, headers: type, duplex: 'half' } as RequestInit;
    return { response: client.fetch(`/v1/adapters/${name}`, init), finish };
  }

  async function versionsOf(tenant: string, name: string): Promise<{ versions: number[]; live: number | undefined }> {
    const rows = await graft.worker.d1Exec('SELECT version FROM adapter_versions WHERE tenant_id = ? AND name = ? ORDER BY version', tenant, name);
    const alias = await graft.worker.d1Exec('SELECT version FROM aliases WHERE tenant_id = ? AND name = ?', tenant, name);
    return { versions: rows.map((r) => Number(r.version)), live: alias[0] === undefined ? undefined : Number(alias[0].version) };
  }

  beforeAll(async () => {
    graft = await startGraft();
    const failures = graft.worker.bundle.ratelimits.AUTH_FAILURES;
    if (!failures) throw new Error('wrangler.jsonc binds no AUTH_FAILURES rate limit');
    limit = failures.simple.limit;
    period = failures.simple.period ?? 60;
    b = await bystander(graft);
  });
  afterAll(() => graft?.stop());

  it('turns an address away with 429 auth_rate_limited and Retry-After once it spends its failures; its keys stop reaching D1; others are unaffected', async () => {
    const attacker = '203.0.113.7';
    const neighbour = '198.51.100.23';
    const acme = await graft.createTenant('acme');
    const { refused, limited, msPerRefusal } = await exhaust(() => listAs(attacker, randomKey()));
    expect(refused).toBeGreaterThanOrEqual(limit);
    expect(limited.headers.get('retry-after')).toBe(String(period));
    await expectProblem(limited, 429, 'auth_rate_limited');
    console.log(`${refused} random keys from one address refused with 401 (${msPerRefusal.toFixed(1)} ms each), then 429`);

    // Without the key table, reading a key fails: the attacker's keys are turned away before that
    // read, even a valid key this isolate has not seen; the neighbour's unknown key still reaches D1.
    const fresh = await issueKey('acme');
    await withoutKeyTable(async () => {
      const started = performance.now();
      await expectProblem(await listAs(attacker, randomKey()), 429, 'auth_rate_limited');
      console.log(`refused without D1 in ${(performance.now() - started).toFixed(1)} ms`);
      await expectProblem(await listAs(attacker, fresh.key), 429, 'auth_rate_limited');
      await expectProblem(await listAs(neighbour, randomKey()), 500, 'internal_error');
    });
    // A header that is no key at all is refused by its shape, before the budget, and never counted.
    await expectProblem(await graft.worker.fetch('/v1/adapters', { headers: headers(attacker, 'Bearer not-a-key') }), 401, 'unauthorized');

    expect((await listAs(neighbour, acme)).status).toBe(200);
    expect((await listAs(neighbour, fresh.key)).status).toBe(200);
    await expectProblem(await listAs(neighbour, randomKey()), 401, 'unauthorized');
    expect((await listAs(undefined, acme)).status).toBe(200);
    await b.expectUnharmed();
  });

  it('counts an IPv6 client by its /64', async () => {
    const { limited } = await exhaust(() => listAs('2001:db8:1:2::1', randomKey()));
    await expectProblem(limited, 429, 'auth_rate_limited');
    await expectProblem(await listAs('2001:0db8:0001:0002:ffff::9', randomKey()), 429, 'auth_rate_limited');
    await expectProblem(await listAs('2001:db8:1:3::1', randomKey()), 401, 'unauthorized');
    await b.expectUnharmed();
  });

  it('does not remember unknown key ids: a flood of them from many addresses is refused, and each is read again', async () => {
    const flood = Array.from({ length: 300 }, (_, i) => ({ address: `192.0.2.${i % 30}`, key: randomKey() }));
    const answers = await Promise.all(flood.map(({ address, key }) => listAs(address, key)));
    for (const res of answers) await expectProblem(res, 401, 'unauthorized');
    // Had the last one been cached as unknown, it would be refused from memory; it is read from D1.
    const last = flood.at(-1)!;
    await withoutKeyTable(async () => {
      await expectProblem(await listAs(last.address, last.key), 500, 'internal_error');
    });
    await b.expectUnharmed();
  });

  it('counts wrong admin tokens per address and turns the address away before comparing; the token still works from elsewhere', async () => {
    const attacker = '192.0.2.200';
    const post = (address: string, token: string) =>
      graft.worker.fetch('/v1/admin/tenants', {
        method: 'POST',
        body: JSON.stringify({ name: 'initech' }),
        headers: { ...headers(address, `Bearer ${token}`), 'content-type': 'application/json' },
      });
    // Guesses sharing the token's prefix and guesses sharing nothing are refused alike.
    let guess = 0;
    const { refused, limited } = await exhaust(() => post(attacker, guess++ % 2 ? `${TEST_ADMIN_TOKEN}${guess}` : hex(16)));
    expect(refused).toBeGreaterThanOrEqual(limit);
    expect(limited.headers.get('retry-after')).toBe(String(period));
    await expectProblem(limited, 429, 'auth_rate_limited');
    await expectProblem(await post(attacker, TEST_ADMIN_TOKEN), 429, 'auth_rate_limited');
    expect((await post('192.0.2.201', TEST_ADMIN_TOKEN)).status).toBe(201);
    await b.expectUnharmed();
  });

  it('stops an upload in flight when its key is revoked through this isolate: nothing is committed, the live version keeps serving', async () => {
    await graft.createTenant('umbrella');
    const uploader = await issueKey('umbrella');
    const reader = graft.client((await issueKey('umbrella')).key);
    const client = graft.client(uploader.key);
    const { manifest, model } = tinyAdapter(graft.backbone, 'filter', ['ham', 'spam'], 3);
    expect((await client.upload('filter', manifest, model)).status).toBe(201);

    const held = await heldUpload(client, 'filter', 4);
    await sleep(AUTH_SETTLES_MS);
    expect((await graft.admin(`/v1/admin/tenants/umbrella/keys/${uploader.id}`, { method: 'DELETE' })).status).toBe(204);
    held.finish();
    const refused = await expectProblem(await held.response, 401, 'unauthorized');
    expect(refused.detail).toMatch(/revoked while this request ran/);

    expect(await versionsOf('umbrella', 'filter')).toEqual({ versions: [1], live: 1 });
    const predicted = await reader.predict('filter', { inputs: ['free money'] });
    expect(predicted.status).toBe(200);
    expect(await predicted.json()).toMatchObject({ version: 1 });
    await b.expectUnharmed();
  });

  it('stops an upload in flight past the window when its key is revoked elsewhere; a live key in flight as long still commits', async () => {
    await graft.createTenant('wayne');
    const revoked = await issueKey('wayne');
    const live = graft.client((await issueKey('wayne')).key);

    const doomed = await heldUpload(graft.client(revoked.key), 'doomed', 5);
    const slow = await heldUpload(live, 'slow', 6);
    await sleep(AUTH_SETTLES_MS);
    // As another isolate's revoke route would: straight to D1, this isolate is not told.
    await graft.worker.d1Exec("UPDATE api_keys SET revoked_at = '2025-01-01T00:00:00Z' WHERE id = ?", revoked.id);
    await sleep(STALENESS_MS + 200);
    doomed.finish();
    slow.finish();

    const [refusedResponse, committed] = await Promise.all([doomed.response, slow.response]);
    const refused = await expectProblem(refusedResponse, 401, 'unauthorized');
    expect(refused.detail).toMatch(/revoked while this request ran/);
    expect(await versionsOf('wayne', 'doomed')).toEqual({ versions: [], live: undefined });
    expect(committed.status, await committed.clone().text()).toBe(201);
    expect(await versionsOf('wayne', 'slow')).toEqual({ versions: [1], live: 1 });
    await b.expectUnharmed();
  });
});
