/** Protobuf wire types (https://protobuf.dev/programming-guides/encoding/). */
export const WireType = { VARINT: 0, FIXED64: 1, LENGTH_DELIMITED: 2, FIXED32: 5 } as const;

const encoder = new TextEncoder();

/**
 * Minimal protobuf encoder. Fields are written in the order the caller calls them, so a caller
 * that always walks its message in field order gets byte-identical output for identical input.
 */
export class ProtoWriter {
  private buf: Uint8Array;
  private view: DataView;
  private pos = 0;

  constructor(initialCapacity = 256) {
    this.buf = new Uint8Array(Math.max(16, initialCapacity));
    this.view = new DataView(this.buf.buffer);
  }

  get length(): number {
    return this.pos;
  }

  private ensure(extra: number): void {
    const need = this.pos + extra;
    if (need <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < need) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  tag(field: number, wireType: number): this {
    return this.uvarint(field * 8 + wireType);
  }

  /** Non-negative integer up to 2^53; larger or negative values go through int64(). */
  uvarint(value: number): this {
    if (!Number.isSafeInteger(value) || value < 0) return this.int64(value);
    this.ensure(10);
    let n = value;
    while (n >= 0x80) {
      this.buf[this.pos++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    this.buf[this.pos++] = n;
    return this;
  }

  /** Signed 64-bit varint (two's complement, so negatives take 10 bytes, as protobuf int32/int64 do). */
  int64(value: number | bigint): this {
    if (typeof value === 'number') {
      if (!Number.isInteger(value)) throw new RangeError(`int64 value must be an integer, got ${value}`);
      if (value >= 0 && value <= Number.MAX_SAFE_INTEGER) return this.uvarint(value);
    }
    let n = BigInt.asUintN(64, BigInt(value));
    this.ensure(10);
    while (n >= 0x80n) {
      this.buf[this.pos++] = Number(n & 0x7fn) | 0x80;
      n >>= 7n;
    }
    this.buf[this.pos++] = Number(n);
    return this;
  }

  float32(value: number): this {
    this.ensure(4);
    this.view.setFloat32(this.pos, value, true);
    this.pos += 4;
    return this;
  }

  float64(value: number): this {
    this.ensure(8);
    this.view.setFloat64(this.pos, value, true);
    this.pos += 8;
    return this;
  }

  fixed64(value: bigint): this {
    this.ensure(8);
    this.view.setBigUint64(this.pos, BigInt.asUintN(64, value), true);
    this.pos += 8;
    return this;
  }

  raw(bytes: Uint8Array): this {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
    return this;
  }

  // ---- field helpers -------------------------------------------------------------------------

  varintField(field: number, value: number | bigint): this {
    return this.tag(field, WireType.VARINT).int64(value);
  }

  floatField(field: number, value: number): this {
    return this.tag(field, WireType.FIXED32).float32(value);
  }

  bytesField(field: number, bytes: Uint8Array): this {
    return this.tag(field, WireType.LENGTH_DELIMITED).uvarint(bytes.length).raw(bytes);
  }

  stringField(field: number, value: string): this {
    return this.bytesField(field, encoder.encode(value));
  }

  messageField(field: number, write: (w: ProtoWriter) => void): this {
    const child = new ProtoWriter();
    write(child);
    return this.bytesField(field, child.finishView());
  }

  packedVarintField(field: number, values: ArrayLike<number | bigint>): this {
    if (values.length === 0) return this;
    const child = new ProtoWriter(values.length * 2);
    for (let i = 0; i < values.length; i++) child.int64(values[i]!);
    return this.bytesField(field, child.finishView());
  }

  packedFloatField(field: number, values: ArrayLike<number>): this {
    if (values.length === 0) return this;
    this.tag(field, WireType.LENGTH_DELIMITED).uvarint(values.length * 4);
    for (let i = 0; i < values.length; i++) this.float32(values[i]!);
    return this;
  }

  packedDoubleField(field: number, values: ArrayLike<number>): this {
    if (values.length === 0) return this;
    this.tag(field, WireType.LENGTH_DELIMITED).uvarint(values.length * 8);
    for (let i = 0; i < values.length; i++) this.float64(values[i]!);
    return this;
  }

  /** A copy the caller owns; the writer may be reused afterwards. */
  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }

  private finishView(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }
}
