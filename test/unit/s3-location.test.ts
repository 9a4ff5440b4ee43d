import { describe, it, expect } from 'vitest';
import { UsageError } from '../../trainer/cli/usage-error';
import { formatS3Url, parseS3Url } from '../../trainer/storage/s3-location';

describe('parseS3Url', () => {
  it('splits bucket and key', () => {
    expect(parseS3Url('s3://my-bucket/a/b/data.csv')).toEqual({ bucket: 'my-bucket', key: 'a/b/data.csv' });
    expect(parseS3Url('s3://my.bucket.1/prefix/')).toEqual({ bucket: 'my.bucket.1', key: 'prefix/' });
    expect(parseS3Url('s3://abc')).toEqual({ bucket: 'abc', key: '' });
    expect(formatS3Url({ bucket: 'abc', key: 'x/y' })).toBe('s3://abc/x/y');
  });

  it.each([
    ['https://bucket/key', /is not an s3:\/\/ URL/],
    ['s3:///key', /names no bucket/],
    ['s3://My_Bucket/key', /is not a valid bucket name/],
    ['s3://ab/key', /is not a valid bucket name/],
    ['s3://-abc/key', /is not a valid bucket name/],
    ['s3://a..b/key', /is not a valid bucket name/],
  ])('rejects %s', (url, message) => {
    expect(() => parseS3Url(url)).toThrow(UsageError);
    expect(() => parseS3Url(url)).toThrow(message);
  });

  it('rejects a key over 1024 bytes', () => {
    expect(() => parseS3Url(`s3://abc/${'é'.repeat(513)}`)).toThrow(/over 1024 bytes/);
  });

  it('asks for an object key when one is required', () => {
    expect(() => parseS3Url('s3://abc', { requireKey: true })).toThrow('s3://abc names a folder, not an object');
    expect(() => parseS3Url('s3://abc/dir/', { requireKey: true })).toThrow(/names a folder/);
  });
});
