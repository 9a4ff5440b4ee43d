import { OnnxFormatError } from './onnx-format-error';
import { WireType } from './protobuf-writer';

const TWO_32 = 4294967296;
/** Deeper nesting than this is never produced by real exporters and only serves stack exhaustion. */
export const DEFAULT_MAX_DEPTH = 64;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * Work a decode may do, shared by every nested reader: caps the objects and the memory a small
 * input can make the decoder allocate (16 MB of empty sub-messages would be 8M objects; a packed
 * run of one-byte varints is 8 bytes of memory per wire byte). `bytes` is charged before each
 * allocation, at what it will hold in memory, not what it took on the wire.
 */
export interface DecodeBudget {
  messages: number;
  bytes: number;
}

export function unlimitedBudget(): DecodeBudget {
  return { messages: Number.POSITIVE_INFINITY, bytes: Number.POSITIVE_INFINITY };
}

/** What one element of a plain JS array costs: its 8-byte slot, plus a boxed number or small
 * BigInt and the array's growth slack (measured on V8: ~20 bytes). */
export const JS_VALUE_BYTES = 32;
/** What one decoded string or Uint8Array view costs whatever its length (a view's object and
 * headers are ~100 bytes on V8; its payload stays in the input). */
export const JS_OBJECT_BYTES = 128;

export interface ProtoTag {
  field: number;
  wireType: number;
}

/**
 * Bounds-checked protobuf decoder over a slice of a Uint8Array. Every read checks the slice end,
 * so garbage input ends in an OnnxFormatError, never a RangeError or an out-of-bounds read.
 * Nested messages get a child reader one level deeper; past maxDepth it refuses to descend.
 */
export class ProtoReader {
  pos: number;
  readonly end: number;
  private lo = 0;
  private hi = 0;

  constructor(
    readonly buf: Uint8Array,
    start = 0,
    end = buf.length,
    readonly depth = 0,
    readonly maxDepth = DEFAULT_MAX_DEPTH,
    readonly budget: DecodeBudget = unlimitedBudget(),
  ) {
    if (start < 0 || end > buf.length || start > end) {
      throw new OnnxFormatError('onnx_truncated', 'slice lies outside the buffer');
    }
    this.pos = start;
    this.end = end;
  }

  eof(): boolean {
    return this.pos >= this.end;
  }

  tag(): ProtoTag {
    const at = this.pos;
    this.readVarint();
    if (this.hi !== 0) throw new OnnxFormatError('onnx_malformed', `field tag too large at byte ${at}`);
    const key = this.lo;
    const field = key >>> 3;
    const wireType = key & 7;
    if (field === 0) throw new OnnxFormatError('onnx_malformed', `field number 0 at byte ${at}`);
    if (wireType === 3 || wireType === 4 || wireType > 5) {
      throw new OnnxFormatError('onnx_malformed', `unsupported wire type ${wireType} at byte ${at}`);
    }
    return { field, wireType };
  }

  /** Reads a varint into lo/hi (two uint32 halves) without BigInt on the hot path. */
  private readVarint(): void {
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new OnnxFormatError('onnx_truncated', 'varint runs past the end');
      const b = this.buf[this.pos++]!;
      if (i < 4) lo |= (b & 0x7f) << (7 * i);
      else if (i === 4) {
        lo |= (b & 0x0f) << 28;
        hi |= (b & 0x7f) >>> 4;
      } else hi |= (b & 0x7f) << (7 * i - 32);
      if (b < 0x80) {
        if (i === 9 && b > 1) throw new OnnxFormatError('onnx_malformed', 'varint exceeds 64 bits');
        this.lo = lo >>> 0;
        this.hi = hi >>> 0;
        return;
      }
    }
    throw new OnnxFormatError('onnx_malformed', 'varint longer than 10 bytes');
  }

  /** Unsigned varint as a number (exact below 2^53). */
  uvarint(): number {
    this.readVarint();
    return this.hi * TWO_32 + this.lo;
  }

  /** int32/enum fields: protobuf sign-extends negatives to 64 bits; the low half carries the value. */
  int32(): number {
    this.readVarint();
    return this.lo | 0;
  }

  /** int64 as a number: exact for |value| < 2^53, which covers every dim or attribute we accept. */
  int64(): number {
    this.readVarint();
    if (this.hi & 0x80000000) return -((~this.hi >>> 0) * TWO_32 + (~this.lo >>> 0) + 1);
    return this.hi * TWO_32 + this.lo;
  }

  int64Big(): bigint {
    this.readVarint();
    return BigInt.asIntN(64, (BigInt(this.hi) << 32n) | BigInt(this.lo));
  }

  uint64Big(): bigint {
    this.readVarint();
    return (BigInt(this.hi) << 32n) | BigInt(this.lo);
  }

  private need(n: number): void {
    if (this.end - this.pos < n) throw new OnnxFormatError('onnx_truncated', `needs ${n} bytes at byte ${this.pos}`);
  }

  float32(): number {
    this.need(4);
    const v = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 4).getFloat32(0, true);
    this.pos += 4;
    return v;
  }

  float64(): number {
    this.need(8);
    const v = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 8).getFloat64(0, true);
    this.pos += 8;
    return v;
  }

  fixed64(): bigint {
    this.need(8);
    const v = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 8).getBigUint64(0, true);
    this.pos += 8;
    return v;
  }

  /** Length-delimited payload as a view into the input (no copy). */
  bytes(): Uint8Array {
    const len = this.uvarint();
    if (len > this.end - this.pos) {
      throw new OnnxFormatError('onnx_truncated', `length ${len} at byte ${this.pos} runs past the end`);
    }
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }

  string(): string {
    try {
      return utf8.decode(this.bytes());
    } catch (e) {
      if (e instanceof OnnxFormatError) throw e;
      throw new OnnxFormatError('onnx_malformed', 'string field is not valid UTF-8');
    }
  }

  /** Reader for an embedded message, one nesting level deeper. */
  message(): ProtoReader {
    if (this.depth + 1 > this.maxDepth) {
      throw new OnnxFormatError('onnx_too_deep', `messages nested deeper than ${this.maxDepth}`);
    }
    const len = this.uvarint();
    if (len > this.end - this.pos) {
      throw new OnnxFormatError('onnx_truncated', `message length ${len} at byte ${this.pos} runs past the end`);
    }
    if (--this.budget.messages < 0) throw new OnnxFormatError('onnx_limit_exceeded', 'too many messages');
    const child = new ProtoReader(this.buf, this.pos, this.pos + len, this.depth + 1, this.maxDepth, this.budget);
    this.pos += len;
    return child;
  }

  skip(wireType: number): void {
    switch (wireType) {
      case WireType.VARINT:
        this.readVarint();
        return;
      case WireType.FIXED64:
        this.need(8);
        this.pos += 8;
        return;
      case WireType.LENGTH_DELIMITED:
        this.bytes();
        return;
      case WireType.FIXED32:
        this.need(4);
        this.pos += 4;
        return;
      default:
        throw new OnnxFormatError('onnx_malformed', `cannot skip wire type ${wireType}`);
    }
  }

  /** Fails on a wire type that does not match the schema, which is how garbage is usually caught. */
  expect(wireType: number, expected: number, what: string): void {
    if (wireType !== expected) {
      throw new OnnxFormatError('onnx_malformed', `${what}: wire type ${wireType}, expected ${expected}`);
    }
  }

  /**
   * A repeated scalar field, accepted both packed (one length-delimited run) and unpacked
   * (one tagged element per occurrence), as the protobuf spec requires of parsers.
   */
  repeated<T>(wireType: number, elementWire: number, readOne: (r: ProtoReader) => T, out: T[], what: string): void {
    if (wireType === WireType.LENGTH_DELIMITED && elementWire !== WireType.LENGTH_DELIMITED) {
      const len = this.uvarint();
      if (len > this.end - this.pos) {
        throw new OnnxFormatError('onnx_truncated', `packed ${what} runs past the end`);
      }
      const sub = new ProtoReader(this.buf, this.pos, this.pos + len, this.depth, this.maxDepth, this.budget);
      while (!sub.eof()) {
        this.spend(JS_VALUE_BYTES);
        out.push(readOne(sub));
      }
      this.pos += len;
      return;
    }
    this.expect(wireType, elementWire, what);
    this.spend(JS_VALUE_BYTES);
    out.push(readOne(this));
  }

  /** Charges `bytes` of memory about to be allocated; throws once the decode's budget is spent. */
  spend(bytes: number): void {
    this.budget.bytes -= bytes;
    if (this.budget.bytes < 0) throw new OnnxFormatError('onnx_limit_exceeded', 'decoding would take more memory than allowed');
  }

  /** Payload of a packed run, checked against the slice end (callers charge what they allocate). */
  private packedRange(width: number, what: string): [number, number] {
    const len = this.uvarint();
    if (len > this.end - this.pos) throw new OnnxFormatError('onnx_truncated', `packed ${what} runs past the end`);
    if (width > 0 && len % width !== 0) throw new OnnxFormatError('onnx_malformed', `packed ${what} is not a multiple of ${width} bytes`);
    const start = this.pos;
    this.pos += len;
    return [start, start + len];
  }

  /** Packed fixed-width runs go straight into typed arrays: no per-element JS numbers. */
  packedFloat32(what: string): Float32Array {
    const [start, end] = this.packedRange(4, what);
    this.spend(end - start);
    const out = new Float32Array((end - start) / 4);
    const view = new DataView(this.buf.buffer, this.buf.byteOffset + start, end - start);
    for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
    return out;
  }

  packedFloat64(what: string): Float64Array {
    const [start, end] = this.packedRange(8, what);
    this.spend(end - start);
    const out = new Float64Array((end - start) / 8);
    const view = new DataView(this.buf.buffer, this.buf.byteOffset + start, end - start);
    for (let i = 0; i < out.length; i++) out[i] = view.getFloat64(i * 8, true);
    return out;
  }

  /**
   * Packed varints: counted first (one per terminating byte) and charged at their in-memory width
   * (8 bytes for int64, however short on the wire) before the array is allocated, once.
   */
  packedVarints<T extends Int32Array | BigInt64Array | BigUint64Array>(
    what: string,
    Type: { new (length: number): T; readonly BYTES_PER_ELEMENT: number },
    readOne: (r: ProtoReader) => T[number],
  ): T {
    const [start, end] = this.packedRange(0, what);
    let count = 0;
    for (let i = start; i < end; i++) if (this.buf[i]! < 0x80) count++;
    this.spend(count * Type.BYTES_PER_ELEMENT);
    const out = new Type(count);
    const sub = new ProtoReader(this.buf, start, end, this.depth, this.maxDepth, this.budget);
    for (let i = 0; i < count; i++) out[i] = readOne(sub);
    if (!sub.eof()) throw new OnnxFormatError('onnx_truncated', `packed ${what} ends inside a varint`);
    return out;
  }
}
