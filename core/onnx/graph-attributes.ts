import { AttributeType } from './onnx-enums';
import type { AttributeProto } from './onnx-types';

/** An attribute whose ONNX type is spelled out, for values whose JS type is ambiguous (1 vs 1.0). */
export type TypedAttribute =
  | { kind: 'float'; value: number }
  | { kind: 'int'; value: number }
  | { kind: 'floats'; value: number[] }
  | { kind: 'ints'; value: number[] }
  | { kind: 'string'; value: string }
  | { kind: 'strings'; value: string[] };

/**
 * Plain values are inferred: an integer → INT, other numbers → FLOAT, number[] of integers → INTS,
 * other number[] → FLOATS, string → STRING. Use `attr.float(1)` where ONNX wants a float that
 * happens to be whole (Gemm alpha, LeakyRelu alpha …).
 */
export type AttributeValue = number | string | number[] | string[] | TypedAttribute;

export const attr = {
  float: (value: number): TypedAttribute => ({ kind: 'float', value }),
  int: (value: number): TypedAttribute => ({ kind: 'int', value }),
  floats: (value: number[]): TypedAttribute => ({ kind: 'floats', value }),
  ints: (value: number[]): TypedAttribute => ({ kind: 'ints', value }),
  string: (value: string): TypedAttribute => ({ kind: 'string', value }),
  strings: (value: string[]): TypedAttribute => ({ kind: 'strings', value }),
};

const encoder = new TextEncoder();

function typed(value: AttributeValue): TypedAttribute {
  if (typeof value === 'number') return Number.isInteger(value) ? attr.int(value) : attr.float(value);
  if (typeof value === 'string') return attr.string(value);
  if (Array.isArray(value)) {
    if (value.every((v): v is string => typeof v === 'string') && value.length > 0) return attr.strings(value);
    const nums = value as number[];
    return nums.every((v) => Number.isInteger(v)) ? attr.ints(nums) : attr.floats(nums);
  }
  return value;
}

export function toAttributeProto(name: string, value: AttributeValue): AttributeProto {
  const t = typed(value);
  switch (t.kind) {
    case 'float':
      return { name, type: AttributeType.FLOAT, f: t.value };
    case 'int':
      if (!Number.isSafeInteger(t.value)) throw new RangeError(`attribute ${name}: ${t.value} is not an integer`);
      return { name, type: AttributeType.INT, i: t.value };
    case 'floats':
      return { name, type: AttributeType.FLOATS, floats: [...t.value] };
    case 'ints':
      return { name, type: AttributeType.INTS, ints: [...t.value] };
    case 'string':
      return { name, type: AttributeType.STRING, s: encoder.encode(t.value) };
    case 'strings':
      return { name, type: AttributeType.STRINGS, strings: t.value.map((s) => encoder.encode(s)) };
  }
}
