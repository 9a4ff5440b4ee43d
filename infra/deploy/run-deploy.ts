import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { UsageError } from '../../trainer/cli/usage-error';
import { backboneUploads } from '../local/backbone-uploads';
import { ensureBackbones } from '../local/ensure-backbones';
import { WranglerError } from '../wrangler/run-wrangler';
import { deployConfig, readRawConfig, writeDeployConfig } from './deploy-config';
import { deployPaths } from './deploy-paths';
import { readDeployState, writeDeployState } from './deploy-state';
import type { Runner } from './dry-run';
import { stageObjects } from './stage-objects';
import { findDatabaseId, notAuthenticated, parseBucketNames, parseDeployUrl } from './wrangler-output';
import { wranglerSteps } from './wrangler-steps';

export interface DeployResult {
  endpoint: string | undefined;
  /** Only when this deploy generated the token: shown once, also kept in .graft/deploy/admin-token. */
  newAdminToken: string | undefined;
}

async function checkLogin(run: Runner): Promise<void> {
  const fix = 'export CLOUDFLARE_API_TOKEN (and CLOUDFLARE_ACCOUNT_ID), or run npx wrangler login; npm run deploy -- --dry-run needs neither';
  let output: string;
  try {
    output = await run(wranglerSteps.whoami());
  } catch (error) {
    const detail = error instanceof WranglerError ? error.output.trim().split('\n').at(-1) : (error as Error).message;
    throw new UsageError(`cannot use the Cloudflare account (${detail})`, fix);
  }
  if (notAuthenticated(output)) throw new UsageError('not logged in to Cloudflare', fix);
}

/** Creates or reuses the bucket and database, migrates, uploads backbones, deploys, sets the admin secret. */
export async function runDeploy(run: Runner, say: (line: string) => void, env = process.env): Promise<DeployResult> {
  const paths = deployPaths();
  await checkLogin(run);
  await ensureBackbones(say);
  const raw = await readRawConfig(paths.committedConfig);
  const bucket = ((raw.r2_buckets ?? []) as { binding: string; bucket_name: string }[]).find((b) => b.binding === 'ARTIFACTS')?.bucket_name;
  const database = raw.d1_databases?.find((d) => d.binding === 'DB') as { database_name?: string } | undefined;
  if (!bucket || !database?.database_name) throw new Error('wrangler.jsonc must bind R2 ARTIFACTS and D1 DB');
  const state = await readDeployState(paths.state);

  if (!parseBucketNames(await run(wranglerSteps.listBuckets())).includes(bucket)) {
    say(`creating R2 bucket ${bucket}`);
    await run(wranglerSteps.createBucket(bucket));
  }
  let databaseId = findDatabaseId(await run(wranglerSteps.listDatabases()), database.database_name);
  if (!databaseId) {
    say(`creating D1 database ${database.database_name}`);
    await run(wranglerSteps.createDatabase(database.database_name));
    databaseId = findDatabaseId(await run(wranglerSteps.listDatabases()), database.database_name);
    if (!databaseId) throw new Error(`wrangler d1 create ${database.database_name} succeeded but d1 list does not show it`);
  }
  if (state.databaseId !== databaseId) state.uploaded = [];
  state.databaseId = databaseId;
  await writeDeployConfig(paths.config, deployConfig(raw, databaseId));

  say('applying D1 migrations remotely');
  await run(wranglerSteps.applyMigrations(paths.config));

  const objects = (await backboneUploads()).filter((o) => !state.uploaded.includes(`${bucket}/${o.key}`) || o.key.endsWith('/current.json'));
  const files = await stageObjects(paths.objects, objects);
  for (const object of objects) {
    say(`uploading ${object.key}`);
    await run(wranglerSteps.putObject(bucket, object.key, files.get(object.key)!, object.contentType, paths.config));
    if (!state.uploaded.includes(`${bucket}/${object.key}`)) state.uploaded.push(`${bucket}/${object.key}`);
    await writeDeployState(paths.state, state);
  }

  say('deploying the worker');
  const endpoint = parseDeployUrl(await run(wranglerSteps.deploy(paths.config)));
  if (endpoint) state.endpoint = endpoint;

  let newAdminToken: string | undefined;
  const token = env.GRAFT_ADMIN_TOKEN?.trim() || (state.adminTokenSet ? undefined : (newAdminToken = randomBytes(24).toString('base64url')));
  if (token) {
    say('setting the ADMIN_TOKEN secret');
    await run(wranglerSteps.putSecret('ADMIN_TOKEN', paths.config), token);
    state.adminTokenSet = true;
    if (newAdminToken) await writeFile(paths.adminToken, newAdminToken + '\n', { mode: 0o600 });
  }
  await writeDeployState(paths.state, state);
  return { endpoint: state.endpoint, newAdminToken };
}
