import { UsageError } from '../cli/usage-error';

type SdkError = {
  name?: string;
  code?: string;
  address?: string;
  port?: number;
  errors?: SdkError[];
  $metadata?: { httpStatusCode?: number };
};

const NETWORK = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);
const DENIED = new Set(['AccessDenied', 'Forbidden', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'InvalidToken', 'ExpiredToken']);

/**
 * Turns the S3 failures a user can fix into one-line UsageErrors naming what was asked for;
 * anything else is returned unchanged to surface as a bug.
 */
export function explainS3Error(error: unknown, target: { bucket: string; key?: string }): unknown {
  if (error instanceof UsageError || typeof error !== 'object' || error === null) return error;
  const e = error as SdkError;
  const url = `s3://${target.bucket}/${target.key ?? ''}`;
  const status = e.$metadata?.httpStatusCode;
  const code = e.code ?? e.errors?.find((inner) => inner.code)?.code;

  if (e.name === 'NoSuchBucket') {
    return new UsageError(`bucket ${JSON.stringify(target.bucket)} does not exist`, 'create it, or check the bucket name and the endpoint (--s3-endpoint, AWS_ENDPOINT_URL_S3)');
  }
  if (e.name === 'NoSuchKey' || (e.name === 'NotFound' && status === 404)) {
    return new UsageError(`${url} does not exist`, 'check the key (keys are case-sensitive), e.g. with `aws s3 ls`');
  }
  if ((e.name && DENIED.has(e.name)) || status === 403) {
    return new UsageError(
      `access denied to ${url} (${e.name ?? 'HTTP 403'})`,
      'check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY and that they may read and write this bucket',
    );
  }
  if (e.name === 'CredentialsProviderError') {
    return new UsageError(`no S3 credentials to reach ${url}`, 'export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY');
  }
  if (code && NETWORK.has(code)) {
    const where = e.address ? `${e.address}${e.port ? `:${e.port}` : ''}` : 'the S3 endpoint';
    return new UsageError(
      `cannot reach ${where} for ${url} (${code})`,
      'check that the server is running and the endpoint is right (--s3-endpoint, AWS_ENDPOINT_URL_S3)',
    );
  }
  return error;
}
