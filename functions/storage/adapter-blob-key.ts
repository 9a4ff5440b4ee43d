/** The R2 prefix every adapter blob lives under (`adapterModelKey` in core/storage/keys.ts). */
export const ADAPTERS_PREFIX = 'adapters/';

export interface AdapterBlobKey {
  key: string;
  tenant: string;
  name: string;
  sha256: string;
}

const LAYOUT = /^adapters\/([^/]+)\/([^/]+)\/([0-9a-f]{64})\.onnx$/;

/** The inverse of `adapterModelKey`; null for any other key, which the collector leaves alone. */
export function parseAdapterBlobKey(key: string): AdapterBlobKey | null {
  const match = LAYOUT.exec(key);
  if (!match) return null;
  const [, tenant, name, sha256] = match as unknown as [string, string, string, string];
  return { key, tenant, name, sha256 };
}
