import { S3Client } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { UsageError } from '../cli/usage-error';

export type S3ClientOptions = {
  /** Wins over AWS_ENDPOINT_URL_S3 and AWS_ENDPOINT_URL. */
  endpoint?: string;
  /** Defaults to process.env; tests pass their own. */
  env?: Record<string, string | undefined>;
  /** Defaults to the SDK's 3 attempts. */
  maxAttempts?: number;
};

const blankIsUnset = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const Setting = z.preprocess(blankIsUnset, z.string().trim().optional());

const S3Env = z.object({
  AWS_ACCESS_KEY_ID: Setting,
  AWS_SECRET_ACCESS_KEY: Setting,
  AWS_SESSION_TOKEN: Setting,
  AWS_REGION: Setting,
  AWS_DEFAULT_REGION: Setting,
  AWS_ENDPOINT_URL_S3: Setting,
  AWS_ENDPOINT_URL: Setting,
});

export type S3Settings = {
  endpoint: string | undefined;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
};

/**
 * Reads credentials from the environment only, never the SDK's default chain, so a missing key is
 * a clear message rather than a probe of the instance-metadata address or a stray ~/.aws profile.
 */
export function resolveS3Settings(opts: S3ClientOptions = {}): S3Settings {
  const env = S3Env.parse(opts.env ?? process.env);
  const endpoint = opts.endpoint?.trim() || env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL;
  if (endpoint !== undefined) checkEndpoint(endpoint);

  const missing = (['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'] as const).filter((k) => env[k] === undefined);
  if (missing.length > 0) {
    throw new UsageError(
      `no S3 credentials: ${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} not set`,
      'export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (for R2, an R2 API token\'s access key pair)',
    );
  }
  return {
    endpoint,
    region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'auto',
    credentials: {
      accessKeyId: env.AWS_ACCESS_KEY_ID!,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY!,
      ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
    },
  };
}

export function createS3Client(opts: S3ClientOptions = {}): S3Client {
  const { endpoint, region, credentials } = resolveS3Settings(opts);
  return new S3Client({
    region,
    credentials,
    ...(opts.maxAttempts ? { maxAttempts: opts.maxAttempts } : {}),
    // R2, MinIO and local test servers serve buckets by path, not by subdomain.
    ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
  });
}

function checkEndpoint(endpoint: string): void {
  let url: URL | undefined;
  try {
    url = new URL(endpoint);
  } catch {
    url = undefined;
  }
  if (url?.protocol !== 'http:' && url?.protocol !== 'https:') {
    throw new UsageError(
      `S3 endpoint ${JSON.stringify(endpoint)} is not an http(s) URL`,
      'give one like https://<account-id>.r2.cloudflarestorage.com or http://127.0.0.1:9000',
    );
  }
}
