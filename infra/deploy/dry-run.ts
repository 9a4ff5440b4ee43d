import { rm } from 'node:fs/promises';
import { adapterCacheBytesFor } from '../../core/limits/edge-limits';
import { backboneUploads, builtBackboneManifest } from '../local/backbone-uploads';
import { KNOWN_BACKBONES } from '../../trainer/backbones/known-backbones';
import { runWrangler } from '../wrangler/run-wrangler';
import { measureBundle, type BundleSize } from './bundle-size';
import { readRawConfig } from './deploy-config';
import { deployPaths } from './deploy-paths';
import { deployPlan, type PlanStep } from './deploy-plan';
import { checkBackbones, checkBundle, type Check } from './size-checks';
import { wranglerSteps } from './wrangler-steps';

export interface DryRunReport {
  bundle: BundleSize;
  checks: Check[];
  plan: PlanStep[];
  ok: boolean;
}

export type Runner = (args: readonly string[], input?: string) => Promise<string>;
export const wranglerRunner: Runner = (args, input) => runWrangler(args, input === undefined ? {} : { input });

/** Everything a deploy can check without an account: the real bundle, its size, backbone budgets, the plan. */
export async function dryRun(run: Runner = wranglerRunner, outDir = deployPaths().bundle): Promise<DryRunReport> {
  const paths = deployPaths();
  const raw = await readRawConfig(paths.committedConfig);
  await rm(outDir, { recursive: true, force: true });
  await run(wranglerSteps.bundle(paths.committedConfig, outDir));
  const bundle = await measureBundle(outDir);
  const vars = (raw.vars ?? {}) as Record<string, string>;
  // The budget the edge will use for this config: its default, or the var capped as the edge caps it.
  const cacheBytes = adapterCacheBytesFor(vars.ADAPTER_CACHE_BYTES);
  const manifests = await Promise.all(KNOWN_BACKBONES.map(builtBackboneManifest));
  const checks = [...checkBundle(bundle), ...checkBackbones(manifests, cacheBytes)];
  const buckets = (raw.r2_buckets ?? []) as { binding: string; bucket_name: string }[];
  const databases = (raw.d1_databases ?? []) as { binding: string; database_name: string }[];
  const objects = (await backboneUploads()).map(({ key, contentType }) => ({ key, contentType }));
  const plan = deployPlan({
    bucket: buckets.find((b) => b.binding === 'ARTIFACTS')?.bucket_name ?? 'graft-artifacts',
    database: databases.find((d) => d.binding === 'DB')?.database_name ?? 'graft',
    config: paths.config,
    objectsDir: paths.objects,
    objects,
  });
  return { bundle, checks, plan, ok: checks.every((c) => c.ok) };
}
