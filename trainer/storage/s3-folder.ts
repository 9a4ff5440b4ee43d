import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { UsageError } from '../cli/usage-error';
import { contentTypeOf } from './content-type';
import { createS3Client, type S3ClientOptions } from './s3-client';
import { explainS3Error } from './s3-error';
import { formatS3Url, parseS3Url, type S3Location } from './s3-location';

export type S3Access = S3ClientOptions & {
  /** Reuse a client; otherwise one is made from the options and the environment. */
  client?: S3Client;
  /** Keys per ListObjectsV2 page (S3 caps it at 1,000). */
  pageSize?: number;
};

const clientFor = (access: S3Access) => access.client ?? createS3Client(access);
const locate = (url: string | S3Location, requireKey: boolean) => (typeof url === 'string' ? parseS3Url(url, { requireKey }) : url);

export async function readS3Object(url: string | S3Location, access: S3Access = {}): Promise<Uint8Array> {
  const at = locate(url, true);
  const client = clientFor(access);
  try {
    const out = await client.send(new GetObjectCommand({ Bucket: at.bucket, Key: at.key }));
    if (!out.Body) return new Uint8Array();
    return await out.Body.transformToByteArray();
  } catch (error) {
    throw explainS3Error(error, at);
  }
}

export async function writeS3Object(
  url: string | S3Location,
  body: Uint8Array | string,
  access: S3Access & { contentType?: string } = {},
): Promise<void> {
  const at = locate(url, true);
  const client = clientFor(access);
  try {
    await client.send(
      new PutObjectCommand({ Bucket: at.bucket, Key: at.key, Body: body, ContentType: access.contentType ?? contentTypeOf(at.key) }),
    );
  } catch (error) {
    throw explainS3Error(error, at);
  }
}

/** Uploads every file under `localDir`, one at a time in sorted order, and returns the keys written. */
export async function uploadFolder(localDir: string, s3url: string, access: S3Access = {}): Promise<string[]> {
  const at = parseS3Url(s3url);
  const files = await listFiles(localDir);
  if (files.length === 0) throw new UsageError(`${localDir} has no files to upload`, 'check the folder path');
  const client = clientFor(access);
  const prefix = asPrefix(at.key);
  const keys: string[] = [];
  for (const file of files) {
    const key = prefix + file;
    await writeS3Object({ bucket: at.bucket, key }, await readFile(join(localDir, ...file.split('/'))), { client });
    keys.push(key);
  }
  return keys;
}

/**
 * Downloads every object under the `s3url` prefix into `localDir`, keeping the relative layout,
 * and returns the relative paths written. Keys are remote input: one that would land outside
 * `localDir` is refused.
 */
export async function downloadFolder(s3url: string, localDir: string, access: S3Access = {}): Promise<string[]> {
  const at = parseS3Url(s3url);
  const client = clientFor(access);
  const prefix = asPrefix(at.key);
  const keys = await listKeys(client, at.bucket, prefix, access.pageSize);
  if (keys.length === 0) throw new UsageError(`nothing under ${formatS3Url({ bucket: at.bucket, key: prefix })}`, 'check the bucket and prefix');

  const root = resolve(localDir);
  const written: string[] = [];
  for (const key of keys) {
    const rel = key.slice(prefix.length);
    const path = resolve(root, ...rel.split('/'));
    if (!path.startsWith(root + sep) || rel.split('/').some((s) => s === '..' || s === '.')) {
      throw new UsageError(`refusing to download ${formatS3Url({ bucket: at.bucket, key })}: it would land outside ${localDir}`, 'rename that key');
    }
    await mkdir(dirname(path), { recursive: true });
    await downloadTo(client, { bucket: at.bucket, key }, path);
    written.push(relative(root, path).split(sep).join('/'));
  }
  return written;
}

const asPrefix = (key: string) => (key === '' || key.endsWith('/') ? key : `${key}/`);

async function listKeys(client: S3Client, bucket: string, prefix: string, pageSize?: number): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    let page;
    try {
      page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token, MaxKeys: pageSize }));
    } catch (error) {
      throw explainS3Error(error, { bucket, key: prefix });
    }
    for (const object of page.Contents ?? []) {
      // Zero-byte "folder" markers made by consoles carry no file.
      if (object.Key && !object.Key.endsWith('/')) keys.push(object.Key);
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys.sort();
}

/** Streams to a temporary name first, so an interrupted download never leaves a truncated file. */
async function downloadTo(client: S3Client, at: S3Location, path: string): Promise<void> {
  const partial = `${path}.partial`;
  try {
    const out = await client.send(new GetObjectCommand({ Bucket: at.bucket, Key: at.key }));
    const body = out.Body instanceof Readable ? out.Body : Readable.from([(await out.Body?.transformToByteArray()) ?? new Uint8Array()]);
    await pipeline(body, createWriteStream(partial));
    await rename(partial, path);
  } catch (error) {
    await rm(partial, { force: true });
    throw explainS3Error(error, at);
  }
}

/** Relative paths with `/` separators, sorted, so uploads happen in the same order everywhere. */
async function listFiles(root: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string, rel: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') throw new UsageError(`${root} is not a folder`, 'check the folder path');
      throw error;
    }
    for (const entry of entries) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(join(dir, entry.name), path);
      else if (entry.isFile()) found.push(path);
    }
  };
  await walk(root, '');
  return found.sort();
}
