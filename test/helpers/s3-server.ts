import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type S3TestServer = { endpoint: string; stop(): Promise<void> };

/** s3rver accepts these (and only these) as valid signing keys. */
export const S3_TEST_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

const ENV = {
  AWS_ACCESS_KEY_ID: S3_TEST_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: S3_TEST_CREDENTIALS.secretAccessKey,
  AWS_REGION: 'auto',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};
// Cleared while the server runs so a developer's real settings never leak into a test.
const CLEARED = ['AWS_SESSION_TOKEN', 'AWS_DEFAULT_REGION', 'AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_S3', 'AWS_PROFILE'];

/*
 * s3rver runs in a child process because its ListObjectsV2 continuation tokens use DES, which
 * OpenSSL 3 only offers with --openssl-legacy-provider; without it every paginated listing fails
 * with a 500. The child also keeps s3rver's deprecation warnings out of test output, and exits
 * when its stdin closes, so a crashed test run leaves no server behind.
 */
const CHILD = `
const S3rver = require(${JSON.stringify(createRequire(import.meta.url).resolve('s3rver'))});
const [directory, buckets] = JSON.parse(process.argv[1]);
const server = new S3rver({
  address: '127.0.0.1', port: 0, silent: true, directory,
  configureBuckets: buckets.map((name) => ({ name, configs: [] })),
});
server.run().then(({ port }) => process.stdout.write(JSON.stringify({ port }) + '\\n'));
process.stdin.on('end', () => server.close().then(() => process.exit(0)));
process.stdin.resume();
`;

/**
 * A real S3-protocol server on 127.0.0.1 at an ephemeral port, storing into a fresh temp folder,
 * with `buckets` created. Sets the AWS credential variables for the SDK; `stop()` restores them.
 */
export async function startS3Server(buckets: string[] = ['graft-test']): Promise<S3TestServer> {
  const directory = await mkdtemp(join(tmpdir(), 'graft-s3-'));
  const child = spawn(process.execPath, ['--openssl-legacy-provider', '--no-deprecation', '-e', CHILD, JSON.stringify([directory, buckets])], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '' },
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));

  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) resolve((JSON.parse(line) as { port: number }).port);
    });
    child.once('exit', (code) => reject(new Error(`s3rver exited with ${code} before listening:\n${stderr}`)));
    child.once('error', reject);
  });

  const saved = new Map<string, string | undefined>();
  for (const name of [...Object.keys(ENV), ...CLEARED]) saved.set(name, process.env[name]);
  for (const name of CLEARED) delete process.env[name];
  Object.assign(process.env, ENV);

  return {
    endpoint: `http://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode === null) {
        const exited = once(child, 'exit');
        child.stdin.end();
        await exited;
      }
      for (const [name, value] of saved) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      await rm(directory, { recursive: true, force: true });
    },
  };
}
