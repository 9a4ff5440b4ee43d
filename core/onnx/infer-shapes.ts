import { AttributeType } from './onnx-enums';
import type { AttributeProto, NodeProto } from './onnx-types';

/**
 * A tensor's shape during static inference. Every dimension is a number: the validator infers the
 * graph once per probed batch size, with the input's batch dimension set to that many rows, so no
 * dimension is a symbol that an upload could name to look small.
 */
export type Shape = number[];

export class ShapeInferenceError extends Error {}

/** Elements of a tensor of this shape (1 for a scalar). */
export function elementsOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

function fail(node: NodeProto, why: string): never {
  throw new ShapeInferenceError(`${node.opType} ${node.name ?? ''}: ${why}`);
}

function axisOf(node: NodeProto, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank) fail(node, `axis ${axis} out of range for rank ${rank}`);
  return a;
}

function broadcast(node: NodeProto, a: Shape, b: Shape): Shape {
  const rank = Math.max(a.length, b.length);
  const out: Shape = [];
  for (let i = 0; i < rank; i++) {
    const x = a[a.length - rank + i] ?? 1;
    const y = b[b.length - rank + i] ?? 1;
    if (x === y || y === 1) out.push(x);
    else if (x === 1) out.push(y);
    else fail(node, `cannot broadcast [${a}] with [${b}]`);
  }
  return out;
}

/** The attribute, refused unless it has the type ONNX Runtime will read it as: a mismatch is
 * read there as the default (or refused), and must not be read differently here. */
function getAttr(node: NodeProto, name: string, type: number): AttributeProto | undefined {
  const a = node.attribute?.find((x) => x.name === name);
  if (a && a.type !== type) fail(node, `attribute ${name} has type ${a.type}, expected ${type}`);
  return a;
}

function intAttr(node: NodeProto, name: string, fallback: number): number {
  return getAttr(node, name, AttributeType.INT)?.i ?? fallback;
}

function intsAttr(node: NodeProto, name: string): number[] | undefined {
  const a = getAttr(node, name, AttributeType.INTS);
  return a ? (a.ints ?? []) : undefined;
}

function requireShape(node: NodeProto, shapes: readonly (Shape | undefined)[], i: number): Shape {
  const s = shapes[i];
  if (!s) fail(node, `input ${i} is missing or has no known shape`);
  return s;
}

function sameDim(node: NodeProto, a: number | undefined, b: number | undefined, what: string): void {
  if (a !== b) fail(node, `${what}: ${a} vs ${b}`);
}

function matmul(node: NodeProto, a0: Shape, b0: Shape): Shape {
  if (a0.length === 0 || b0.length === 0) fail(node, 'MatMul needs rank ≥ 1');
  const a = a0.length === 1 ? [1, ...a0] : a0;
  const b = b0.length === 1 ? [...b0, 1] : b0;
  sameDim(node, a[a.length - 1], b[b.length - 2], 'inner dimensions differ');
  const batch = broadcast(node, a.slice(0, -2), b.slice(0, -2));
  const out: Shape = [...batch];
  if (a0.length > 1) out.push(a[a.length - 2]!);
  if (b0.length > 1) out.push(b[b.length - 1]!);
  return out;
}

function reshape(node: NodeProto, input: Shape, target: readonly number[]): Shape {
  const allowZero = intAttr(node, 'allowzero', 0) === 1;
  const out: Shape = [];
  let inferAt = -1;
  target.forEach((v, i) => {
    if (v === -1) {
      if (inferAt >= 0) fail(node, 'more than one -1 in shape');
      inferAt = i;
      out.push(1);
    } else if (v === 0 && !allowZero) {
      if (i >= input.length) fail(node, `shape copies dim ${i} of a rank-${input.length} input`);
      out.push(input[i]!);
    } else if (v < 0) fail(node, `negative shape value ${v}`);
    else out.push(v);
  });
  const inK = elementsOf(input);
  const outK = elementsOf(out);
  if (inferAt >= 0) {
    if (outK === 0 || inK % outK !== 0) fail(node, `cannot infer -1: ${inK} elements into ${outK}`);
    out[inferAt] = inK / outK;
  } else if (inK !== outK) fail(node, `reshape of ${inK} elements into ${outK}`);
  return out;
}

function sliceDim(node: NodeProto, d: number, start: number, end: number, step: number): number {
  if (step === 0) fail(node, 'slice step 0');
  const clamp = (v: number, lo: number, hi: number): number => Math.min(Math.max(v, lo), hi);
  let s = start < 0 ? start + d : start;
  let e = end < 0 ? end + d : end;
  if (step > 0) {
    s = clamp(s, 0, d);
    e = clamp(e, 0, d);
    return Math.max(0, Math.ceil((e - s) / step));
  }
  s = clamp(s, 0, d - 1);
  e = clamp(e, -1, d - 1);
  return Math.max(0, Math.ceil((s - e) / -step));
}

function reduce(node: NodeProto, input: Shape, axes: number[] | undefined): Shape {
  const keep = intAttr(node, 'keepdims', 1) === 1;
  const noop = intAttr(node, 'noop_with_empty_axes', 0) === 1;
  if (!axes || axes.length === 0) {
    if (noop) return [...input];
    return keep ? input.map(() => 1) : [];
  }
  const set = new Set(axes.map((a) => axisOf(node, a, input.length)));
  const out: Shape = [];
  input.forEach((d, i) => {
    if (!set.has(i)) out.push(d);
    else if (keep) out.push(1);
  });
  return out;
}

/** Axes a Slice node cuts, normalised to the input's rank; undefined when it has none to read. */
export function slicedAxes(node: NodeProto, rank: number, ints: readonly (number[] | undefined)[], opset: number): number[] | undefined {
  const fromInputs = opset >= 10;
  const starts = fromInputs ? ints[1] : intsAttr(node, 'starts');
  const axes = (fromInputs ? (node.input[3] ? ints[3] : undefined) : intsAttr(node, 'axes')) ?? starts?.map((_, i) => i);
  return axes?.map((a) => axisOf(node, a, rank));
}

/**
 * Output shape of one node of an allow-listed op, given its input shapes and the values of its
 * constant integer inputs. Work is linear in the node's inputs and their ranks. Throws
 * ShapeInferenceError for inconsistent shapes, mistyped attributes or ops it does not know.
 */
export function inferNodeShapes(node: NodeProto, shapes: readonly (Shape | undefined)[], ints: readonly (number[] | undefined)[], opset: number): Shape {
  const x = (): Shape => requireShape(node, shapes, 0);
  switch (node.opType) {
    case 'Relu':
    case 'LeakyRelu':
    case 'Tanh':
    case 'Sigmoid':
    case 'Softmax':
    case 'Identity':
    case 'Sqrt':
    case 'Exp':
    case 'Log':
    case 'Clip':
      return [...x()];
    case 'Add':
    case 'Sub':
    case 'Mul':
    case 'Div':
    case 'Pow':
      if (node.input.length !== 2) fail(node, `takes 2 inputs, not ${node.input.length}`);
      return broadcast(node, x(), requireShape(node, shapes, 1));
    case 'Max':
    case 'Min': {
      if (node.input.length === 0) fail(node, 'no inputs');
      return node.input.reduce<Shape>((acc, _, i) => broadcast(node, acc, requireShape(node, shapes, i)), []);
    }
    case 'Gemm': {
      const a = x();
      const b = requireShape(node, shapes, 1);
      if (a.length !== 2 || b.length !== 2) fail(node, 'Gemm needs rank-2 A and B');
      const transA = intAttr(node, 'transA', 0) === 1;
      const transB = intAttr(node, 'transB', 0) === 1;
      const [m, ka] = transA ? [a[1]!, a[0]!] : [a[0]!, a[1]!];
      const [kb, n] = transB ? [b[1]!, b[0]!] : [b[0]!, b[1]!];
      sameDim(node, ka, kb, 'inner dimensions differ');
      const out: Shape = [m, n];
      const c = shapes[2];
      if (c) {
        const bc = broadcast(node, out, c);
        if (bc.length !== 2 || bc[0] !== m || bc[1] !== n) fail(node, 'C does not broadcast to [M, N]');
      }
      return out;
    }
    case 'MatMul':
      return matmul(node, x(), requireShape(node, shapes, 1));
    case 'Flatten': {
      const s = x();
      const raw = intAttr(node, 'axis', 1);
      const axis = raw < 0 ? raw + s.length : raw;
      if (axis < 0 || axis > s.length) fail(node, `axis ${raw} out of range`);
      return [elementsOf(s.slice(0, axis)), elementsOf(s.slice(axis))];
    }
    case 'Reshape': {
      const target = ints[1];
      if (!target) fail(node, 'shape must be a constant');
      return reshape(node, x(), target);
    }
    case 'Concat': {
      const first = x();
      const axis = axisOf(node, intAttr(node, 'axis', 0), first.length);
      const out = [...first];
      out[axis] = 0;
      node.input.forEach((_, i) => {
        const s = requireShape(node, shapes, i);
        if (s.length !== first.length) fail(node, 'inputs differ in rank');
        s.forEach((d, j) => j !== axis && sameDim(node, d, first[j], `dim ${j} differs`));
        out[axis]! += s[axis]!;
      });
      return out;
    }
    case 'ReduceSum':
    case 'ReduceMean':
    case 'ReduceL2': {
      const axesFromInput = node.opType === 'ReduceSum' ? opset >= 13 : opset >= 18;
      const axes = axesFromInput ? (node.input[1] ? ints[1] : undefined) : intsAttr(node, 'axes');
      if (axesFromInput && node.input[1] && !axes) fail(node, 'axes must be a constant');
      return reduce(node, x(), axes);
    }
    case 'Transpose': {
      const s = x();
      const perm = intsAttr(node, 'perm') ?? s.map((_, i) => s.length - 1 - i);
      if (perm.length !== s.length || new Set(perm).size !== perm.length || perm.some((p) => p < 0 || p >= s.length)) {
        fail(node, `perm [${perm}] is not a permutation of rank ${s.length}`);
      }
      return perm.map((p) => s[p]!);
    }
    case 'Unsqueeze': {
      const s = x();
      const axes = opset >= 13 ? ints[1] : intsAttr(node, 'axes');
      if (!axes) fail(node, 'axes must be given as a constant');
      const rank = s.length + axes.length;
      const set = new Set(axes.map((a) => axisOf(node, a, rank)));
      if (set.size !== axes.length) fail(node, 'repeated axis');
      const out: Shape = [];
      let j = 0;
      for (let i = 0; i < rank; i++) out.push(set.has(i) ? 1 : s[j++]!);
      return out;
    }
    case 'Squeeze': {
      const s = x();
      const axes = opset >= 13 ? (node.input[1] ? ints[1] : undefined) : intsAttr(node, 'axes');
      if (opset >= 13 && node.input[1] && !axes) fail(node, 'axes must be a constant');
      if (!axes || axes.length === 0) return s.filter((d) => d !== 1);
      const set = new Set(axes.map((a) => axisOf(node, a, s.length)));
      for (const i of set) if (s[i] !== 1) fail(node, `cannot squeeze dim ${i} of size ${s[i]}`);
      return s.filter((_, i) => !set.has(i));
    }
    case 'Slice': {
      const s = x();
      const fromInputs = opset >= 10;
      const starts = fromInputs ? ints[1] : intsAttr(node, 'starts');
      const ends = fromInputs ? ints[2] : intsAttr(node, 'ends');
      if (!starts || !ends || starts.length !== ends.length) fail(node, 'starts/ends must be constants of equal length');
      const axes = slicedAxes(node, s.length, ints, opset)!;
      const steps = (fromInputs && node.input[4] ? ints[4] : undefined) ?? starts.map(() => 1);
      if (axes.length !== starts.length || steps.length !== starts.length) fail(node, 'axes/steps length differs from starts');
      const out = [...s];
      const seen = new Set<number>();
      axes.forEach((axis, i) => {
        if (seen.has(axis)) fail(node, 'repeated axis');
        seen.add(axis);
        out[axis] = sliceDim(node, s[axis]!, starts[i]!, ends[i]!, steps[i]!);
      });
      return out;
    }
    case 'Gather': {
      const s = x();
      const indices = ints[1];
      if (!indices) fail(node, 'indices must be a constant');
      const axis = axisOf(node, intAttr(node, 'axis', 0), s.length);
      const size = s[axis]!;
      for (const i of indices) if (!Number.isInteger(i) || i < -size || i >= size) fail(node, `index ${i} out of range for size ${size}`);
      return [...s.slice(0, axis), ...requireShape(node, shapes, 1), ...s.slice(axis + 1)];
    }
    default:
      return fail(node, 'no shape rule for this operator');
  }
}

/**
 * Arithmetic operations one node performs, an estimate for bounding a head's work: multiply-adds
 * count 2, an output element of a variadic Max or Min once per operand after the first, a
 * reduction counts its input, anything else (arithmetic, activations, copies) its output.
 */
export function nodeOps(node: NodeProto, shapes: readonly (Shape | undefined)[], out: Shape): number {
  const outElements = elementsOf(out);
  const a = shapes[0] ?? [];
  switch (node.opType) {
    case 'Gemm':
      // [M, K] × [K, N] plus alpha, beta and C over [M, N].
      return 2 * outElements * (intAttr(node, 'transA', 0) === 1 ? a[0]! : a[1]!) + 2 * outElements;
    case 'MatMul':
      return 2 * outElements * a[a.length - 1]!;
    case 'Max':
    case 'Min':
      return outElements * Math.max(1, node.input.length - 1);
    case 'ReduceSum':
    case 'ReduceMean':
    case 'ReduceL2':
      return elementsOf(a);
    case 'Softmax':
      // max, exp and sum, then divide.
      return 4 * outElements;
    default:
      return outElements;
  }
}
