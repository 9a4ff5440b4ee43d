import { AdapterList, CreatedKey, PredictResult, UploadResult } from '../../core/schemas/api';
import { readAdapterSource, uploadForm } from '../client/adapter-source';
import { ApiClient, ApiProblem } from '../client/api-client';
import type { LocalConfig } from '../client/local-config';
import { DEMO_ADAPTER, DEMO_TENANT } from './demo-adapter';

type Demo = NonNullable<LocalConfig['demo']>;

/** Whether a key still opens the tenant's routes (state may have been wiped since it was issued). */
async function keyWorks(endpoint: string, apiKey: string): Promise<boolean> {
  try {
    await new ApiClient(endpoint, apiKey).request('GET', '/v1/adapters', { schema: AdapterList });
    return true;
  } catch (error) {
    if (error instanceof ApiProblem && error.status === 401) return false;
    throw error;
  }
}

/** The demo tenant and a working key: the remembered one, else a new one (creating the tenant if absent). */
export async function ensureDemoTenant(endpoint: string, adminToken: string, previous: Demo | undefined, say: (line: string) => void): Promise<Omit<Demo, 'adapter'>> {
  if (previous?.tenant === DEMO_TENANT && (await keyWorks(endpoint, previous.apiKey))) {
    return { tenant: previous.tenant, apiKey: previous.apiKey, ...(previous.keyId ? { keyId: previous.keyId } : {}) };
  }
  const admin = new ApiClient(endpoint, adminToken);
  try {
    await admin.request('POST', '/v1/admin/tenants', { json: { name: DEMO_TENANT } });
    say(`created tenant "${DEMO_TENANT}"`);
  } catch (error) {
    if (!(error instanceof ApiProblem && error.code === 'tenant_exists')) throw error;
  }
  const key = await admin.request('POST', `/v1/admin/tenants/${DEMO_TENANT}/keys`, { json: { label: 'npm start demo' }, schema: CreatedKey });
  say(`issued an API key for "${DEMO_TENANT}"`);
  return { tenant: DEMO_TENANT, apiKey: key.key, keyId: key.id };
}

/** Pushes the demo adapter unless the tenant already serves one by that name. */
export async function ensureDemoPushed(endpoint: string, apiKey: string, adapterDir: () => Promise<string>, say: (line: string) => void): Promise<void> {
  const client = new ApiClient(endpoint, apiKey);
  const { adapters } = await client.request('GET', '/v1/adapters', { schema: AdapterList });
  if (adapters.some((a) => a.name === DEMO_ADAPTER && a.live_version !== null)) return;
  const adapter = await readAdapterSource(await adapterDir());
  const result = await client.request('PUT', `/v1/adapters/${DEMO_ADAPTER}`, { form: uploadForm(adapter), schema: UploadResult });
  say(`pushed "${DEMO_ADAPTER}" version ${result.version}`);
}

/** One prediction, so the isolate loads the backbone now rather than on the user's first curl. */
export async function warmUp(endpoint: string, apiKey: string): Promise<void> {
  await new ApiClient(endpoint, apiKey).request('POST', `/v1/adapters/${DEMO_ADAPTER}/predict`, { json: { inputs: ['warm up'] }, schema: PredictResult });
}
