import { describe, it, expect } from 'vitest';
import { UsageError } from '../../trainer/cli/usage-error';
import { createS3Client, resolveS3Settings } from '../../trainer/storage/s3-client';

// The SDK warns once per process about Node 20; the warning is not what these tests are about.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const keys = { AWS_ACCESS_KEY_ID: 'id', AWS_SECRET_ACCESS_KEY: 'secret' };

describe('resolveS3Settings', () => {
  it('reads credentials and defaults the region to auto', () => {
    expect(resolveS3Settings({ env: keys })).toEqual({
      endpoint: undefined,
      region: 'auto',
      credentials: { accessKeyId: 'id', secretAccessKey: 'secret' },
    });
  });

  it('takes the session token, region and endpoint from the environment', () => {
    const env = { ...keys, AWS_SESSION_TOKEN: 'tok', AWS_DEFAULT_REGION: 'eu-west-1', AWS_ENDPOINT_URL: 'http://127.0.0.1:1' };
    expect(resolveS3Settings({ env })).toEqual({
      endpoint: 'http://127.0.0.1:1',
      region: 'eu-west-1',
      credentials: { accessKeyId: 'id', secretAccessKey: 'secret', sessionToken: 'tok' },
    });
    expect(resolveS3Settings({ env: { ...env, AWS_REGION: 'us-east-2' } }).region).toBe('us-east-2');
  });

  it('prefers the explicit endpoint, then AWS_ENDPOINT_URL_S3, then AWS_ENDPOINT_URL', () => {
    const env = { ...keys, AWS_ENDPOINT_URL_S3: 'http://s3.local', AWS_ENDPOINT_URL: 'http://all.local' };
    expect(resolveS3Settings({ env }).endpoint).toBe('http://s3.local');
    expect(resolveS3Settings({ env, endpoint: 'https://x.r2.cloudflarestorage.com' }).endpoint).toBe('https://x.r2.cloudflarestorage.com');
  });

  it('names missing credentials', () => {
    expect(() => resolveS3Settings({ env: {} })).toThrow('no S3 credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set');
    expect(() => resolveS3Settings({ env: { AWS_ACCESS_KEY_ID: 'id', AWS_SECRET_ACCESS_KEY: ' ' } })).toThrow(
      'no S3 credentials: AWS_SECRET_ACCESS_KEY is not set',
    );
  });

  it('rejects an endpoint that is not an http(s) URL', () => {
    expect(() => resolveS3Settings({ env: keys, endpoint: 'localhost:9000' })).toThrow(UsageError);
    expect(() => resolveS3Settings({ env: keys, endpoint: 'ftp://x' })).toThrow(/is not an http\(s\) URL/);
  });
});

describe('createS3Client', () => {
  it('uses path-style addressing when an endpoint is given', async () => {
    const client = createS3Client({ env: keys, endpoint: 'http://127.0.0.1:9' });
    expect(client.config.forcePathStyle).toBe(true);
    expect(await client.config.region()).toBe('auto');
    const plain = createS3Client({ env: { ...keys, AWS_REGION: 'us-east-1' } });
    expect(plain.config.forcePathStyle).toBeFalsy();
  });
});
