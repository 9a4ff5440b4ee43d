import { describe, it, expect } from 'vitest';
import { UsageError } from '../../trainer/cli/usage-error';
import { decodeUtf8, firstInvalidByte } from '../../trainer/data/decode-utf8';
import { fileUsageError } from '../../trainer/data/read-data-file';

const bytes = (...b: number[]) => new Uint8Array(b);

describe('decodeUtf8', () => {
  it('decodes valid UTF-8 and drops a BOM', () => {
    expect(decodeUtf8(new TextEncoder().encode('\uFEFFhé 🙂'), 'x')).toBe('hé 🙂');
  });

  it.each([
    ['a lone continuation byte', bytes(0x61, 0x80), 1],
    ['an overlong encoding', bytes(0x61, 0x62, 0xc0, 0xaf), 2],
    ['an overlong 3-byte form', bytes(0xe0, 0x80, 0xaf), 0],
    ['a UTF-16 surrogate', bytes(0x61, 0xed, 0xa0, 0x80), 1],
    ['a code point past U+10FFFF', bytes(0xf4, 0x90, 0x80, 0x80), 0],
    ['a truncated sequence at the end', bytes(0x61, 0xe2, 0x82), 1],
    ['Latin-1 é', bytes(0x63, 0x61, 0x66, 0xe9), 3],
  ])('finds %s', (_, input, offset) => {
    expect(firstInvalidByte(input)).toBe(offset);
    expect(() => decodeUtf8(input, 'f.csv')).toThrow(`f.csv is not valid UTF-8 (byte offset ${offset}, line 1)`);
  });
});

describe('fileUsageError', () => {
  // Tests may run as root, where chmod cannot make a file unreadable; the mapping is checked here.
  it('explains unreadable and missing files', () => {
    const denied = fileUsageError(Object.assign(new Error('x'), { code: 'EACCES' }), 'd.csv');
    expect(denied).toBeInstanceOf(UsageError);
    expect((denied as UsageError).message).toBe('cannot read d.csv: permission denied');
    expect((fileUsageError(Object.assign(new Error('x'), { code: 'ENOENT' }), 'm.csv') as UsageError).message).toBe('m.csv does not exist');
    const other = new Error('disk on fire');
    expect(fileUsageError(other, 'x')).toBe(other);
  });
});
