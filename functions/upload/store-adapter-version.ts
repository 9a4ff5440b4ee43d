import { adapterModelKey } from '../../core/storage/keys';
import type { Env } from '../env';
import { now } from '../http/now';
import { limitsFor } from '../limits';
import { adoptSession } from '../serving/adapter-sessions';
import { invalidateAdapter } from '../serving/adapter-versions';
import { releaseHead } from '../serving/loaded-head';
import { isReusableBlob } from '../storage/reusable-blob';
import { commitVersion } from '../stores/adapters-store';
import type { CheckedUpload } from './validate-upload';

export interface StoreRequest extends CheckedUpload {
  tenant: string;
  actor: string;
  activate: boolean;
}

/**
 * Blob first, then one D1 batch (version row, alias, audit). The blob key is content-addressed,
 * so a concurrent upload can only ever write the same bytes there, and a failed commit leaves at
 * most an orphan blob (collected later: functions/storage/collect-orphans.ts), never a row without
 * its blob. A blob already there is rewritten unless R2's sha256 vouches for it, so a corrupted one
 * heals on the next upload of its bytes.
 */
export async function storeAdapterVersion(env: Env, r: StoreRequest) {
  const { tenant, name, sha256, model, loaded } = r;
  const { quotas } = limitsFor(env);
  try {
    const key = adapterModelKey(tenant, name, sha256);
    if (!isReusableBlob(await env.ARTIFACTS.head(key), sha256, Date.now())) {
      await env.ARTIFACTS.put(key, model, { sha256, httpMetadata: { contentType: 'application/octet-stream' } });
    }
    const version = await commitVersion(env.DB, {
      tenant,
      name,
      sha256,
      bytes: model.length,
      blobKey: key,
      manifest: JSON.stringify(r.manifest),
      actor: r.actor,
      at: now(),
      activate: r.activate,
      quotas,
    });
    invalidateAdapter(tenant, name);
    adoptSession(env, { tenant, name, version }, loaded);
    return { adapter: name, version, sha256, bytes: model.length, live: r.activate };
  } catch (error) {
    releaseHead(loaded);
    throw error;
  }
}
