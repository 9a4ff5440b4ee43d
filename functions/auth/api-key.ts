/**
 * Tenant API keys look like `gft_<id>_<secret>`: `gft_<id>` is public (stored, shown in lists,
 * names the row to check), the secret is 32 random bytes. Only SHA-256 of the whole key is stored.
 */
const PREFIX = 'gft_';
const ID_HEX = 16;
const SECRET_BYTES = 32;

function hex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export interface NewApiKey {
  id: string;
  prefix: string;
  key: string;
}

export function generateApiKey(): NewApiKey {
  const id = hex(crypto.getRandomValues(new Uint8Array(ID_HEX / 2)));
  const secret = base64url(crypto.getRandomValues(new Uint8Array(SECRET_BYTES)));
  const prefix = `${PREFIX}${id}`;
  return { id, prefix, key: `${prefix}_${secret}` };
}

/** The key's id, or undefined when it is not shaped like one of ours. */
export function apiKeyId(key: string): string | undefined {
  const match = /^gft_([0-9a-f]{16})_[A-Za-z0-9_-]{43}$/.exec(key);
  return match?.[1];
}
