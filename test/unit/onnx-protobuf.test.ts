import { describe, expect, it } from 'vitest';
import { OnnxFormatError } from '../../core/onnx/onnx-format-error';
import { ProtoReader } from '../../core/onnx/protobuf-reader';
import { ProtoWriter, WireType } from '../../core/onnx/protobuf-writer';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof OnnxFormatError) return e.code;
    throw e;
  }
  return undefined;
}

describe('protobuf writer/reader', () => {
  it('round-trips varints, int64 (negative and > 2^32), floats, strings, bytes', () => {
    const w = new ProtoWriter(1);
    w.varintField(1, 0).varintField(2, 300).varintField(3, -1).varintField(4, 2 ** 40 + 5).varintField(5, -(2 ** 40));
    w.varintField(6, 9007199254740991n).floatField(7, 1.5).stringField(8, 'héllo').bytesField(9, new Uint8Array([1, 2, 3]));
    const bytes = w.finish();
    expect(Array.from(bytes.subarray(0, 2))).toEqual([0x08, 0x00]);
    const r = new ProtoReader(bytes);
    const seen: unknown[] = [];
    while (!r.eof()) {
      const { field } = r.tag();
      if (field <= 6) seen.push(r.int64());
      else if (field === 7) seen.push(r.float32());
      else if (field === 8) seen.push(r.string());
      else seen.push(Array.from(r.bytes()));
    }
    expect(seen).toEqual([0, 300, -1, 2 ** 40 + 5, -(2 ** 40), 9007199254740991, 1.5, 'héllo', [1, 2, 3]]);
  });

  it('encodes -1 as a 10-byte varint and 300 as [0xac, 0x02]', () => {
    expect(Array.from(new ProtoWriter().int64(-1).finish())).toEqual([255, 255, 255, 255, 255, 255, 255, 255, 255, 1]);
    expect(Array.from(new ProtoWriter().uvarint(300).finish())).toEqual([0xac, 0x02]);
    expect(new ProtoReader(new ProtoWriter().int64(-5n).finish()).int64Big()).toBe(-5n);
    expect(new ProtoReader(new ProtoWriter().int64(-5).finish()).int32()).toBe(-5);
  });

  it('reads repeated scalars packed and unpacked alike', () => {
    const packed = new ProtoWriter().packedVarintField(1, [1, -2, 3]).packedFloatField(2, [0.5, 2]).finish();
    const unpacked = new ProtoWriter().varintField(1, 1).varintField(1, -2).floatField(2, 0.5).varintField(1, 3).floatField(2, 2).finish();
    for (const bytes of [packed, unpacked]) {
      const r = new ProtoReader(bytes);
      const ints: number[] = [];
      const floats: number[] = [];
      while (!r.eof()) {
        const { field, wireType } = r.tag();
        if (field === 1) r.repeated(wireType, WireType.VARINT, (x) => x.int64(), ints, 'ints');
        else r.repeated(wireType, WireType.FIXED32, (x) => x.float32(), floats, 'floats');
      }
      expect(ints).toEqual([1, -2, 3]);
      expect(floats).toEqual([0.5, 2]);
    }
  });

  it('throws typed errors on truncated and garbage input', () => {
    expect(codeOf(() => new ProtoReader(new Uint8Array([0x80])).uvarint())).toBe('onnx_truncated');
    expect(codeOf(() => new ProtoReader(new Uint8Array([0x0a, 0x05, 1, 2])).bytes())).toBe('onnx_truncated');
    expect(codeOf(() => new ProtoReader(new Uint8Array([0x0d, 1, 2])).float32())).toBe('onnx_truncated');
    expect(codeOf(() => new ProtoReader(new Uint8Array(11).fill(0xff)).uvarint())).toBe('onnx_malformed');
    expect(codeOf(() => new ProtoReader(new Uint8Array([0x0b])).tag())).toBe('onnx_malformed'); // wire type 3 (group)
    expect(codeOf(() => new ProtoReader(new Uint8Array([0x00])).tag())).toBe('onnx_malformed'); // field 0
    expect(codeOf(() => new ProtoReader(new Uint8Array([0x01, 0xff])).string())).toBe('onnx_malformed'); // bad UTF-8
  });

  it('refuses to descend past maxDepth', () => {
    let inner: Uint8Array = new Uint8Array(0);
    for (let i = 0; i < 70; i++) inner = new ProtoWriter().bytesField(1, inner).finish();
    const descend = (r: ProtoReader): void => {
      while (!r.eof()) {
        r.tag();
        descend(r.message());
      }
    };
    expect(codeOf(() => descend(new ProtoReader(inner)))).toBe('onnx_too_deep');
    expect(codeOf(() => descend(new ProtoReader(inner, 0, inner.length, 0, 100)))).toBeUndefined();
  });
});
