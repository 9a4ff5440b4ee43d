import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackboneManifest } from '../../core/schemas/backbone-manifest';
import { dryRun, type DryRunReport } from '../../infra/deploy/dry-run';
import { checkBackbones, checkBundle } from '../../infra/deploy/size-checks';
import { graftHome } from '../../trainer/paths';

const MiB = 1024 * 1024;
const size = (raw: number, gzip: number) => ({ files: [], raw, gzip });

describe('size checks', () => {
  it('grades the compressed bundle against Free (3 MiB) and Paid (10 MiB), and the raw one against 64 MiB', () => {
    expect(checkBundle(size(10 * MiB, 2 * MiB)).map((c) => [c.ok, !!c.warning])).toEqual([[true, false], [true, false]]);
    expect(checkBundle(size(10 * MiB, 5 * MiB))[1]).toMatchObject({ ok: true, warning: true });
    expect(checkBundle(size(10 * MiB, 11 * MiB))[1]!.ok).toBe(false);
    expect(checkBundle(size(65 * MiB, 2 * MiB))[0]!.ok).toBe(false);
  });

  it('fails a backbone set that cannot fit one isolate next to the adapter cache', () => {
    const manifest = (bytes: number) => ({ id: 'big', bytes, assets: [] }) as unknown as BackboneManifest;
    expect(checkBackbones([manifest(16 * MiB)], 32 * MiB).every((c) => c.ok)).toBe(true);
    const tooBig = checkBackbones([manifest(40 * MiB)], 32 * MiB);
    expect(tooBig.at(-1)).toMatchObject({ ok: false });
    expect(tooBig.at(-1)!.line).toMatch(/isolate memory estimate .* of 128\.00 MiB/);
  });
});

describe('graft deploy --dry-run', () => {
  let home: string;
  let report: DryRunReport;
  const saved = process.env.GRAFT_HOME;

  beforeAll(async () => {
    const shared = graftHome();
    home = await mkdtemp(path.join(tmpdir(), 'graft-deploy-'));
    await symlink(path.join(shared, 'backbones'), path.join(home, 'backbones'));
    process.env.GRAFT_HOME = home;
    report = await dryRun();
  }, 180_000);

  afterAll(async () => {
    if (saved === undefined) delete process.env.GRAFT_HOME;
    else process.env.GRAFT_HOME = saved;
    await rm(home, { recursive: true, force: true });
  });

  it('bundles the real worker with wrangler and measures it as wrangler does', () => {
    const names = report.bundle.files.map((f) => f.name);
    expect(names).toContain('index.js');
    expect(names.some((n) => n.endsWith('.wasm'))).toBe(true);
    expect(names.some((n) => n.endsWith('.map'))).toBe(false);
    expect(report.bundle.raw).toBe(report.bundle.files.reduce((s, f) => s + f.bytes, 0));
    expect(report.bundle.gzip).toBeGreaterThan(0);
    expect(report.bundle.gzip).toBeLessThan(report.bundle.raw);
  });

  it('passes the hard limits and reports the backbone budget', () => {
    expect(report.ok).toBe(true);
    const lines = report.checks.map((c) => c.line).join('\n');
    expect(lines).toMatch(/uncompressed \(limit 64\.00 MiB\)/);
    expect(lines).toMatch(/gzip: /);
    expect(lines).toMatch(/backbone text-glove-sif: /);
    expect(lines).toMatch(/isolate memory estimate/);
  });

  it('plans every deploy step in a safe order, all through the generated config', () => {
    const commands = report.plan.map((s) => s.command);
    const at = (pattern: RegExp) => commands.findIndex((c) => pattern.test(c));
    expect(at(/wrangler whoami/)).toBe(0);
    expect(at(/r2 bucket create graft-artifacts/)).toBeLessThan(at(/d1 migrations apply DB --remote/));
    expect(at(/d1 create graft/)).toBeLessThan(at(/d1 migrations apply DB --remote/));
    // Objects before the pointer, the pointer before the worker, the worker before its secret.
    expect(at(/model\.onnx --remote/)).toBeLessThan(at(/current\.json --remote/));
    expect(at(/current\.json --remote/)).toBeLessThan(at(/wrangler deploy --config/));
    expect(at(/wrangler deploy --config/)).toBeLessThan(at(/secret put ADMIN_TOKEN/));
    const generated = path.join(home, 'deploy', 'wrangler.json');
    for (const c of commands.filter((c) => / --remote| deploy --config| secret put/.test(c))) expect(c).toContain(`--config ${generated}`);
  });
});
