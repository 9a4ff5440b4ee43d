import { concatBytes } from '../../helpers/concat-bytes';

/**
 * A protobuf message as a tree of its fields, read without a schema: a length-delimited field
 * whose content parses completely as fields is taken for a sub-message (a guess that is sometimes
 * wrong for strings and raw tensor bytes, which only widens what the fuzzer reaches). Lets the
 * fuzzer duplicate a field at any depth with every enclosing length still consistent, or lie in
 * exactly one length or varint.
 */
export interface ProtoField {
  number: number;
  wire: 0 | 1 | 2 | 5;
  /** The varint (wire 0), the fixed bytes (1, 5) or the content (2). */
  value: bigint | Uint8Array;
  children?: ProtoField[];
}

/** A field's place in the tree: the index in each enclosing list. */
export type ProtoPath = readonly number[];

const MAX_DEPTH = 12;

function readVarint(bytes: Uint8Array, at: number): [value: bigint, next: number] | undefined {
  let value = 0n;
  for (let i = 0; i < 10; i++) {
    const byte = bytes[at + i];
    if (byte === undefined) return undefined;
    value |= BigInt(byte & 0x7f) << BigInt(7 * i);
    if (byte < 0x80) return [value, at + i + 1];
  }
  return undefined;
}

/** The fields of `bytes`, or undefined when they are not a complete message. */
export function parseMessage(bytes: Uint8Array, depth = 0): ProtoField[] | undefined {
  const fields: ProtoField[] = [];
  let at = 0;
  while (at < bytes.length) {
    const key = readVarint(bytes, at);
    if (!key) return undefined;
    const number = Number(key[0] >> 3n);
    const wire = Number(key[0] & 7n);
    at = key[1];
    if (number === 0 || number > 2 ** 29 - 1) return undefined;
    if (wire === 0) {
      const v = readVarint(bytes, at);
      if (!v) return undefined;
      fields.push({ number, wire, value: v[0] });
      at = v[1];
    } else if (wire === 1 || wire === 5) {
      const size = wire === 1 ? 8 : 4;
      if (at + size > bytes.length) return undefined;
      fields.push({ number, wire, value: bytes.slice(at, at + size) });
      at += size;
    } else if (wire === 2) {
      const length = readVarint(bytes, at);
      if (!length || length[1] + Number(length[0]) > bytes.length) return undefined;
      const content = bytes.subarray(length[1], length[1] + Number(length[0]));
      const children = depth < MAX_DEPTH && content.length > 0 ? parseMessage(content, depth + 1) : undefined;
      fields.push({ number, wire, value: content, ...(children ? { children } : {}) });
      at = length[1] + content.length;
    } else return undefined;
  }
  return fields;
}

/** A varint in its shortest form, or padded with continuation bytes to `width` when it fits. */
export function encodeVarint(value: bigint, width = 0): Uint8Array {
  const out: number[] = [];
  let v = BigInt.asUintN(64, value);
  do {
    out.push(Number(v & 0x7fn));
    v >>= 7n;
  } while (v > 0n);
  while (out.length < width) out.push(0);
  return Uint8Array.from(out, (b, i) => (i < out.length - 1 ? b | 0x80 : b));
}

/** Width of the shortest varint of `value`. */
function varintWidth(value: bigint): number {
  return encodeVarint(value).length;
}

/** One lie told while serialising: the field at `path` gets `value` instead of its true length or varint. */
export interface ProtoLie {
  path: ProtoPath;
  value: bigint;
  /** Keep the true encoding's width (padding), so every byte after it stays where it was. */
  sameWidth: boolean;
}

function encodeFields(fields: readonly ProtoField[], lie: ProtoLie | undefined, path: number[]): Uint8Array {
  return concatBytes(...fields.map((field, i) => encodeField(field, lie, [...path, i])));
}

function encodeField(field: ProtoField, lie: ProtoLie | undefined, path: number[]): Uint8Array {
  const key = encodeVarint(BigInt((field.number << 3) | field.wire));
  const lying = lie !== undefined && lie.path.length === path.length && lie.path.every((p, i) => p === path[i]);
  if (field.wire === 0) {
    const value = field.value as bigint;
    return concatBytes(key, lying ? encodeVarint(lie.value, lie.sameWidth ? varintWidth(value) : 0) : encodeVarint(value));
  }
  if (field.wire !== 2) return concatBytes(key, field.value as Uint8Array);
  const content = field.children ? encodeFields(field.children, lie, path) : (field.value as Uint8Array);
  const length = BigInt(content.length);
  return concatBytes(key, lying ? encodeVarint(lie.value, lie.sameWidth ? varintWidth(length) : 0) : encodeVarint(length), content);
}

/** The tree as bytes, every length recomputed, with at most one lie in it. */
export function encodeMessage(fields: readonly ProtoField[], lie?: ProtoLie): Uint8Array {
  return encodeFields(fields, lie, []);
}

/** Every field in the tree with its path, depth first. */
export function fieldsWithPaths(fields: readonly ProtoField[], prefix: number[] = []): { field: ProtoField; path: ProtoPath }[] {
  return fields.flatMap((field, i) => {
    const path = [...prefix, i];
    return [{ field, path }, ...(field.children ? fieldsWithPaths(field.children, path) : [])];
  });
}

/** A copy of the tree with the list holding `path` replaced by `edit(list, index)`; the rest shared. */
export function editAt(fields: readonly ProtoField[], path: ProtoPath, edit: (list: ProtoField[], index: number) => ProtoField[]): ProtoField[] {
  const [head, ...rest] = path;
  if (head === undefined) return [...fields];
  if (rest.length === 0) return edit([...fields], head);
  return fields.map((field, i) => (i === head ? { ...field, children: editAt(field.children ?? [], rest, edit) } : field));
}
