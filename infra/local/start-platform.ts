import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { UsageError } from '../../trainer/cli/usage-error';
import { readLocalConfig, writeLocalConfig, type LocalConfig } from '../client/local-config';
import { DEMO_ADAPTER, ensureDemoAdapter } from './demo-adapter';
import { ensureDemoPushed, ensureDemoTenant, warmUp } from './demo-tenant';
import { portIsFree, spawnEdge, waitForHealth, type EdgeProcess } from './edge-process';
import { ensureBackbones } from './ensure-backbones';
import { localPaths } from './local-paths';
import { provisionLocalState } from './local-state';

export interface StartOptions {
  host: string;
  port: number;
  say: (line: string) => void;
  /** Called as soon as wrangler is spawned, so a signal during start-up can still stop it. */
  onEdge?: (edge: EdgeProcess) => void;
}

export interface RunningPlatform {
  config: LocalConfig & { demo: NonNullable<LocalConfig['demo']> };
  edge: EdgeProcess;
}

/** The admin token lives in local.json; wrangler reads it from this file as a secret binding. */
async function writeDevVars(file: string, adminToken: string): Promise<void> {
  await writeFile(file, `ADMIN_TOKEN=${adminToken}\n`, { mode: 0o600 });
}

/**
 * Everything `npm start` does before it waits for Ctrl-C: backbones, local D1/R2, the edge on
 * workerd, the demo tenant, key and adapter, `.graft/local.json`. Each step reuses what an earlier
 * start left, so a second start retrains nothing and issues no new key.
 */
export async function startPlatform(options: StartOptions): Promise<RunningPlatform> {
  const { host, port, say } = options;
  const paths = localPaths();
  if (!(await portIsFree(host, port))) {
    throw new UsageError(`port ${port} on ${host} is already in use (another npm start?)`, 'stop that process, or pass --port <n>');
  }
  await ensureBackbones(say);
  const previous = await readLocalConfig();
  const adminToken = previous?.adminToken ?? randomBytes(24).toString('base64url');
  await writeDevVars(paths.devVars, adminToken);

  // Training needs no edge, so it overlaps provisioning and wrangler's start-up.
  const training = ensureDemoAdapter(say);
  training.catch(() => undefined);
  await provisionLocalState(say);

  say(`starting the edge: wrangler dev on workerd, ${host}:${port} …`);
  const edge = spawnEdge({ host, port, persistTo: paths.state, envFile: paths.devVars, config: paths.wranglerConfig });
  options.onEdge?.(edge);
  try {
    await waitForHealth(edge);
    say(`edge is up at ${edge.endpoint}`);
    const tenant = await ensureDemoTenant(edge.endpoint, adminToken, previous?.demo, say);
    await ensureDemoPushed(edge.endpoint, tenant.apiKey, () => training, say);
    say('loading the backbone into the isolate …');
    await warmUp(edge.endpoint, tenant.apiKey);
    const config = { endpoint: edge.endpoint, adminToken, demo: { ...tenant, adapter: DEMO_ADAPTER } };
    await writeLocalConfig(config);
    return { config, edge };
  } catch (error) {
    await edge.stop();
    throw error;
  }
}
