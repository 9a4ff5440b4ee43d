import { readFile, mkdtemp, rm, stat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDeploy } from '../../infra/deploy/run-deploy';
import { findDatabaseId, parseBucketNames, parseDeployUrl } from '../../infra/deploy/wrangler-output';
import { WranglerError } from '../../infra/wrangler/run-wrangler';
import { graftHome, PROJECT_ROOT } from '../../trainer/paths';

interface Call {
  args: string;
  input: string | undefined;
}

/** A stand-in for wrangler that answers like a fresh account, then remembers what was created. */
function fakeWrangler(account: { buckets: string[]; databases: { uuid: string; name: string }[] }) {
  const calls: Call[] = [];
  const run = async (args: readonly string[], input?: string): Promise<string> => {
    const line = args.join(' ');
    calls.push({ args: line, input });
    if (line === 'whoami') return 'You are logged in with an API Token.';
    if (line === 'r2 bucket list') return account.buckets.map((b) => `name:           ${b}\ncreation_date:  2026-01-01T00:00:00.000Z\n`).join('\n');
    if (line.startsWith('r2 bucket create ')) account.buckets.push(args[3]!);
    if (line === 'd1 list --json') return JSON.stringify(account.databases);
    if (line.startsWith('d1 create ')) account.databases.push({ uuid: '0c1d2e3f-aaaa-bbbb-cccc-000000000001', name: args[2]! });
    if (line.startsWith('deploy ')) return 'Uploaded graft (3.1 sec)\nDeployed graft triggers (0.5 sec)\n  https://graft.acme.workers.dev\nCurrent Version ID: 123';
    return '';
  };
  return { calls, run };
}

describe('graft deploy (against a stand-in wrangler)', () => {
  let home: string;
  const saved = process.env.GRAFT_HOME;
  const quiet = () => undefined;

  beforeAll(async () => {
    const shared = graftHome();
    home = await mkdtemp(path.join(tmpdir(), 'graft-deploy-run-'));
    await symlink(path.join(shared, 'backbones'), path.join(home, 'backbones'));
    process.env.GRAFT_HOME = home;
  });

  afterAll(async () => {
    if (saved === undefined) delete process.env.GRAFT_HOME;
    else process.env.GRAFT_HOME = saved;
    await rm(home, { recursive: true, force: true });
  });

  it('creates what is missing, deploys through a generated config and sets a generated admin token once', async () => {
    const { calls, run } = fakeWrangler({ buckets: [], databases: [] });
    const result = await runDeploy(run, quiet, {});
    const config = path.join(home, 'deploy', 'wrangler.json');
    expect(calls.map((c) => c.args.split(' --')[0])).toEqual([
      'whoami',
      'r2 bucket list',
      'r2 bucket create graft-artifacts',
      'd1 list',
      'd1 create graft',
      'd1 list',
      'd1 migrations apply DB',
      ...calls.filter((c) => c.args.startsWith('r2 object put')).map((c) => c.args.split(' --')[0]),
      'deploy',
      'secret put ADMIN_TOKEN',
    ]);
    // Per backbone: its objects, then its pointer, so the edge never follows a pointer to nothing.
    const puts = calls.filter((c) => c.args.startsWith('r2 object put')).map((c) => c.args.split(' ')[3]!);
    const pointers = puts.filter((key) => key.endsWith('/current.json'));
    expect(pointers.length).toBeGreaterThanOrEqual(1);
    for (const pointer of pointers) {
      const prefix = pointer.replace(/current\.json$/, '');
      const objects = puts.filter((key) => key.startsWith(prefix) && key !== pointer);
      expect(objects.some((key) => key.endsWith('/model.onnx'))).toBe(true);
      for (const key of objects) expect(puts.indexOf(key)).toBeLessThan(puts.indexOf(pointer));
    }
    expect(result.endpoint).toBe('https://graft.acme.workers.dev');
    expect(result.newAdminToken).toMatch(/^[\w-]{32}$/);
    expect(calls.at(-1)!.input).toBe(result.newAdminToken);
    expect((await readFile(path.join(home, 'deploy', 'admin-token'), 'utf8')).trim()).toBe(result.newAdminToken);
    expect((await stat(path.join(home, 'deploy', 'admin-token'))).mode & 0o077).toBe(0);

    const generated = JSON.parse(await readFile(config, 'utf8')) as { main: string; d1_databases: { database_id: string; migrations_dir: string }[] };
    expect(generated.main).toBe(path.join(PROJECT_ROOT, 'functions', 'index.ts'));
    expect(generated.d1_databases[0]).toMatchObject({ database_id: '0c1d2e3f-aaaa-bbbb-cccc-000000000001', migrations_dir: path.join(PROJECT_ROOT, 'functions', 'migrations') });
    expect(await readFile(path.join(PROJECT_ROOT, 'wrangler.jsonc'), 'utf8')).not.toContain('0c1d2e3f');
  });

  it('re-deploys without re-creating, re-uploading or replacing the secret; GRAFT_ADMIN_TOKEN rotates it', async () => {
    const account = { buckets: ['graft-artifacts'], databases: [{ uuid: '0c1d2e3f-aaaa-bbbb-cccc-000000000001', name: 'graft' }] };
    const again = fakeWrangler(account);
    const result = await runDeploy(again.run, quiet, {});
    expect(again.calls.some((c) => /create/.test(c.args))).toBe(false);
    const puts = again.calls.filter((c) => c.args.startsWith('r2 object put'));
    expect(puts.length).toBeGreaterThan(0);
    for (const put of puts) expect(put.args).toMatch(/\/current\.json --remote/);
    expect(again.calls.some((c) => c.args.startsWith('secret put'))).toBe(false);
    expect(result.newAdminToken).toBeUndefined();

    const rotate = fakeWrangler(account);
    await runDeploy(rotate.run, quiet, { GRAFT_ADMIN_TOKEN: 'chosen-token' });
    expect(rotate.calls.at(-1)).toEqual({ args: expect.stringMatching(/^secret put ADMIN_TOKEN/), input: 'chosen-token' });
  });

  it('stops before touching anything when there is no Cloudflare login', async () => {
    const run = async (args: readonly string[]): Promise<string> => {
      throw new WranglerError(args, 1, 'X [ERROR] You are not authenticated. Please run `wrangler login`.');
    };
    await expect(runDeploy(run, quiet, {})).rejects.toMatchObject({
      line: expect.stringMatching(/^graft: cannot use the Cloudflare account .* — export CLOUDFLARE_API_TOKEN/),
    });
  });
});

describe('wrangler output parsing', () => {
  it('reads bucket names, database ids and the deployed URL', () => {
    expect(parseBucketNames('name:           a\ncreation_date:  x\n\nname:           graft-artifacts\n')).toEqual(['a', 'graft-artifacts']);
    expect(findDatabaseId('🌀 listing\n[{"uuid":"u1","name":"other"},{"uuid":"u2","name":"graft","version":"production"}]', 'graft')).toBe('u2');
    expect(findDatabaseId('[]', 'graft')).toBeUndefined();
    expect(parseDeployUrl('Deployed graft triggers\n  https://graft.me.workers.dev\n')).toBe('https://graft.me.workers.dev');
  });
});
