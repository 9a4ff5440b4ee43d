import { UsageError } from '../cli/usage-error';

export type S3Location = { bucket: string; key: string };

// S3's rules for new buckets (R2's are a subset): 3–63 of a-z 0-9 . -, alphanumeric at both ends.
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const MAX_KEY_BYTES = 1024;

/**
 * `s3://bucket/key` → { bucket, key }. The key may be empty or a prefix unless `requireKey`, which
 * asks for a single object's key.
 */
export function parseS3Url(url: string, opts: { requireKey?: boolean } = {}): S3Location {
  const example = 's3://my-bucket/path/to/data.csv';
  if (!url.startsWith('s3://')) throw new UsageError(`${JSON.stringify(url)} is not an s3:// URL`, `write it as ${example}`);
  const rest = url.slice('s3://'.length);
  const slash = rest.indexOf('/');
  const bucket = slash === -1 ? rest : rest.slice(0, slash);
  const key = slash === -1 ? '' : rest.slice(slash + 1);

  if (bucket === '') throw new UsageError(`${url} names no bucket`, `write it as ${example}`);
  if (!BUCKET.test(bucket) || bucket.includes('..')) {
    throw new UsageError(
      `${JSON.stringify(bucket)} in ${url} is not a valid bucket name`,
      'bucket names are 3–63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit',
    );
  }
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) throw new UsageError(`the key in ${url} is over ${MAX_KEY_BYTES} bytes`, 'use a shorter key');
  if (opts.requireKey && (key === '' || key.endsWith('/'))) {
    throw new UsageError(`${url} names a folder, not an object`, `add the object's key, like ${example}`);
  }
  return { bucket, key };
}

export function formatS3Url({ bucket, key }: S3Location): string {
  return `s3://${bucket}/${key}`;
}
