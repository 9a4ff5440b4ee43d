import { byteMutant, type Mutant } from './byte-mutations';
import { editAt, encodeMessage, fieldsWithPaths, type ProtoField } from './protobuf-tree';
import type { SeededRandom } from './seeded-random';

/** A lie near the truth, at a boundary, or far past anything a file could hold. */
function lieAbout(truth: bigint, random: SeededRandom): bigint {
  const delta = BigInt(random.int(1, 16));
  return random.pick([
    truth + delta,
    truth > delta ? truth - delta : 0n,
    0n,
    1n,
    truth * 2n,
    truth * 1000n + 1n,
    2n ** 31n - 1n,
    2n ** 31n,
    2n ** 32n - 1n,
    2n ** 32n + truth,
    2n ** 53n + 1n,
    2n ** 63n - 1n,
    // A negative int64 as protobuf writes it: ten bytes.
    2n ** 64n - 1n,
  ]);
}

/**
 * One mutation of an ONNX model (a protobuf ModelProto): a field duplicated or dropped at any
 * depth (enclosing lengths kept consistent), one length-delimited field's length or one varint
 * (dims, types, versions, attribute values) replaced by a lie, or plain byte damage.
 */
export function mutateModel(tree: readonly ProtoField[], bytes: Uint8Array, random: SeededRandom): Mutant {
  const sites = fieldsWithPaths(tree);
  const kind = random.weighted({ duplicate: 2, remove: 1, 'length-lie': 3, 'varint-lie': 2, bytes: 3 });
  if (kind === 'bytes' || sites.length === 0) return byteMutant(bytes, random);
  if (kind === 'duplicate' || kind === 'remove') {
    const { field, path } = random.pick(sites);
    const edited = editAt(tree, path, (list, i) => (kind === 'duplicate' ? [...list.slice(0, i + 1), field, ...list.slice(i + 1)] : [...list.slice(0, i), ...list.slice(i + 1)]));
    return { mutation: `field-${kind}:${field.number}@${path.length}`, bytes: encodeMessage(edited) };
  }
  const wire = kind === 'length-lie' ? 2 : 0;
  const candidates = sites.filter((s) => s.field.wire === wire);
  if (candidates.length === 0) return byteMutant(bytes, random);
  const { field, path } = random.pick(candidates);
  const truth = wire === 2 ? BigInt((field.children ? encodeMessage(field.children) : (field.value as Uint8Array)).length) : (field.value as bigint);
  const sameWidth = random.chance(0.5);
  return { mutation: `${kind}${sameWidth ? '-same-width' : ''}:${field.number}@${path.length}`, bytes: encodeMessage(tree, { path, value: lieAbout(truth, random), sameWidth }) };
}
