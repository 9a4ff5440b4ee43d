import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { startS3Server, type S3TestServer } from '../helpers/s3-server';
import { UsageError } from '../../trainer/cli/usage-error';
import { loadTextDataset } from '../../trainer/data/load-text-dataset';
import { createS3Client } from '../../trainer/storage/s3-client';
import { downloadFolder, readS3Object, uploadFolder, writeS3Object } from '../../trainer/storage/s3-folder';

let server: S3TestServer;
let root: string;
beforeAll(async () => {
  server = await startS3Server(['graft-test', 'other-bucket']);
  root = await mkdtemp(join(tmpdir(), 'graft-s3-test-'));
});
afterAll(async () => {
  await server?.stop();
  await rm(root, { recursive: true, force: true });
});

const access = () => ({ endpoint: server.endpoint });

async function usageError(promise: Promise<unknown>): Promise<UsageError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UsageError);
  return error as UsageError;
}

describe('S3 objects against a loopback server', () => {
  it('writes and reads an object', async () => {
    const bytes = new Uint8Array([0, 1, 2, 255, 254]);
    await writeS3Object('s3://graft-test/bin/x.onnx', bytes, access());
    expect(await readS3Object('s3://graft-test/bin/x.onnx', access())).toEqual(bytes);
  });

  it('loads CSV and JSONL datasets from s3://', async () => {
    await writeS3Object('s3://graft-test/data/train.csv', 'text,label\nhello,a\nworld,b\n', access());
    await writeS3Object('s3://graft-test/data/train.jsonl', '{"text":"hi","label":0}\n', access());
    const csv = await loadTextDataset('s3://graft-test/data/train.csv', { s3Endpoint: server.endpoint });
    expect(csv.source).toBe('s3://graft-test/data/train.csv');
    expect(csv.examples).toEqual([{ text: 'hello', label: 'a' }, { text: 'world', label: 'b' }]);
    expect(csv.sha256).toMatch(/^[0-9a-f]{64}$/);
    const jsonl = await loadTextDataset('s3://graft-test/data/train.jsonl', { s3Endpoint: server.endpoint });
    expect(jsonl.examples).toEqual([{ text: 'hi', label: '0' }]);
  });

  it('takes the endpoint from AWS_ENDPOINT_URL_S3', async () => {
    process.env.AWS_ENDPOINT_URL_S3 = server.endpoint;
    try {
      const ds = await loadTextDataset('s3://graft-test/data/train.csv');
      expect(ds.labels).toEqual(['a', 'b']);
    } finally {
      delete process.env.AWS_ENDPOINT_URL_S3;
    }
  });

  it('explains a missing key, a missing bucket and bad credentials', async () => {
    const key = await usageError(loadTextDataset('s3://graft-test/data/nope.csv', { s3Endpoint: server.endpoint }));
    expect(key.message).toBe('s3://graft-test/data/nope.csv does not exist');
    const bucket = await usageError(readS3Object('s3://no-such-bucket/x.csv', access()));
    expect(bucket.message).toBe('bucket "no-such-bucket" does not exist');
    const env = { AWS_ACCESS_KEY_ID: 'wrong', AWS_SECRET_ACCESS_KEY: 'wrong' };
    const denied = await usageError(readS3Object('s3://graft-test/data/train.csv', { ...access(), env }));
    expect(denied.message).toBe('access denied to s3://graft-test/data/train.csv (InvalidAccessKeyId)');
    expect(denied.fix).toMatch(/AWS_ACCESS_KEY_ID/);
  });

  it('explains missing credentials and a refused connection', async () => {
    const none = await usageError(readS3Object('s3://graft-test/x.csv', { ...access(), env: {} }));
    expect(none.message).toMatch(/^no S3 credentials/);
    const env = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' };
    const refused = await usageError(readS3Object('s3://graft-test/x.csv', { endpoint: 'http://127.0.0.1:1', env, maxAttempts: 1 }));
    expect(refused.message).toBe('cannot reach 127.0.0.1:1 for s3://graft-test/x.csv (ECONNREFUSED)');
  });
});

describe('uploadFolder / downloadFolder', () => {
  it('round-trips a folder with content types, nested paths and pagination', async () => {
    const src = join(root, 'src');
    await mkdir(join(src, 'nested', 'deeper'), { recursive: true });
    const files: Record<string, string | Uint8Array> = {
      'manifest.json': '{"a":1}',
      'adapter.onnx': new Uint8Array([8, 1, 0, 255]),
      'report.html': '<p>hi</p>',
      'notes.txt': 'héllo',
      'nested/b.bin': 'b',
      'nested/deeper/c.txt': 'c',
    };
    for (const [rel, content] of Object.entries(files)) await writeFile(join(src, ...rel.split('/')), content);

    const keys = await uploadFolder(src, 's3://graft-test/adapters/t1/a1', access());
    expect(keys).toEqual([
      'adapters/t1/a1/adapter.onnx',
      'adapters/t1/a1/manifest.json',
      'adapters/t1/a1/nested/b.bin',
      'adapters/t1/a1/nested/deeper/c.txt',
      'adapters/t1/a1/notes.txt',
      'adapters/t1/a1/report.html',
    ]);

    const client = createS3Client(access());
    const type = async (key: string) => (await client.send(new HeadObjectCommand({ Bucket: 'graft-test', Key: key }))).ContentType;
    expect(await type('adapters/t1/a1/manifest.json')).toBe('application/json');
    expect(await type('adapters/t1/a1/adapter.onnx')).toBe('application/octet-stream');
    expect(await type('adapters/t1/a1/report.html')).toBe('text/html; charset=utf-8');
    expect(await type('adapters/t1/a1/notes.txt')).toBe('text/plain; charset=utf-8');

    // A sibling sharing the name prefix must not be swept in.
    await writeS3Object('s3://graft-test/adapters/t1/a10/other.json', '{}', access());

    const dest = join(root, 'dest');
    const written = await downloadFolder('s3://graft-test/adapters/t1/a1/', dest, { ...access(), pageSize: 2 });
    expect(written).toEqual(Object.keys(files).sort());
    for (const [rel, content] of Object.entries(files)) {
      expect(new Uint8Array(await readFile(join(dest, ...rel.split('/'))))).toEqual(
        typeof content === 'string' ? new TextEncoder().encode(content) : content,
      );
    }
  });

  it('explains an empty prefix, a missing local folder and a missing bucket', async () => {
    expect((await usageError(downloadFolder('s3://graft-test/nothing-here', join(root, 'x'), access()))).message).toBe(
      'nothing under s3://graft-test/nothing-here/',
    );
    expect((await usageError(uploadFolder(join(root, 'missing'), 's3://graft-test/x', access()))).message).toMatch(/is not a folder$/);
    const src = join(root, 'one');
    await mkdir(src, { recursive: true });
    await writeFile(join(src, 'a.txt'), 'a');
    expect((await usageError(uploadFolder(src, 's3://no-such-bucket/x', access()))).message).toBe('bucket "no-such-bucket" does not exist');
  });

  it('refuses keys that would land outside the target folder', async () => {
    // s3rver itself resolves such keys on disk, so a stub client plays the hostile server.
    const client = {
      send: async () => ({ Contents: [{ Key: 'evil/../../escape.txt' }, { Key: 'evil/ok.txt' }], IsTruncated: false }),
    } as unknown as S3Client;
    const e = await usageError(downloadFolder('s3://other-bucket/evil', join(root, 'evil'), { client }));
    expect(e.message).toBe(`refusing to download s3://other-bucket/evil/../../escape.txt: it would land outside ${join(root, 'evil')}`);
  });
});
