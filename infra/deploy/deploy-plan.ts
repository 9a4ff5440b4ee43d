import type { StorageObject } from '../../core/storage/backbone-objects';
import { showCommand, wranglerSteps } from './wrangler-steps';

export interface PlanInput {
  bucket: string;
  database: string;
  config: string;
  objectsDir: string;
  objects: readonly Pick<StorageObject, 'key' | 'contentType'>[];
}

export interface PlanStep {
  what: string;
  command: string;
}

/** Every step `graft deploy` runs, in order, as the commands it would run. */
export function deployPlan(input: PlanInput): PlanStep[] {
  const { bucket, database, config } = input;
  return [
    { what: 'check the Cloudflare login (CLOUDFLARE_API_TOKEN or wrangler login)', command: showCommand(wranglerSteps.whoami()) },
    { what: `create R2 bucket ${bucket} unless it exists`, command: `${showCommand(wranglerSteps.listBuckets())} && ${showCommand(wranglerSteps.createBucket(bucket))}` },
    { what: `create D1 database ${database} unless it exists, and read its id`, command: `${showCommand(wranglerSteps.listDatabases())} && ${showCommand(wranglerSteps.createDatabase(database))}` },
    { what: `write ${config}: wrangler.jsonc with that database id`, command: '(file written by graft)' },
    { what: 'apply D1 migrations remotely', command: showCommand(wranglerSteps.applyMigrations(config)) },
    ...input.objects.map((o) => ({
      what: o.key.endsWith('/current.json') ? `point ${o.key} at it (last, so the edge never sees a pointer before its objects)` : `upload ${o.key} unless an earlier deploy did`,
      command: showCommand(wranglerSteps.putObject(bucket, o.key, `${input.objectsDir}/${o.key}`, o.contentType, config)),
    })),
    { what: 'deploy the worker', command: showCommand(wranglerSteps.deploy(config)) },
    { what: 'set the ADMIN_TOKEN secret (GRAFT_ADMIN_TOKEN, else a generated one) unless already set', command: `${showCommand(wranglerSteps.putSecret('ADMIN_TOKEN', config))} < token` },
  ];
}
