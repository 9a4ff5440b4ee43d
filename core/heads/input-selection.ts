import { AttributeType, DataType } from '../onnx/onnx-enums';
import type { NodeProto, TensorProto } from '../onnx/onnx-types';
import { readTensorData } from '../onnx/tensor-data';
import { HEAD_NORM_EPSILON, type HeadInputSelection } from './head-spec';

/** Where the Gemm chain starts after a recognised selection prefix. */
export interface SelectionMatch {
  selection?: HeadInputSelection;
  /** Index of the first node after the prefix. */
  at: number;
  /** The tensor the first Gemm must read. */
  current: string;
}

/** A default-domain node of `opType` with exactly `inputs` inputs and one output. */
export function plainNode(node: NodeProto | undefined, opType: string, inputs: number): node is NodeProto {
  return node !== undefined && node.opType === opType && (node.domain ?? '') === '' && node.input.length === inputs && node.output.length === 1;
}

function onlyIntAttr(node: NodeProto, name: string, value: number): boolean {
  const attrs = node.attribute ?? [];
  return attrs.length === 1 && attrs[0]!.name === name && attrs[0]!.type === AttributeType.INT && attrs[0]!.i === value;
}

const noAttrs = (node: NodeProto) => (node.attribute?.length ?? 0) === 0;

function ints(t: TensorProto | undefined): number[] | undefined {
  if (!t || (t.dataType !== DataType.INT32 && t.dataType !== DataType.INT64) || t.dims.length !== 1) return undefined;
  return Array.from(readTensorData(t) as Int32Array | BigInt64Array, Number);
}

/** The tensor's floats when it is float32 of exactly `dims`, every value finite. */
export function finiteFloats(t: TensorProto | undefined, dims: readonly number[]): Float32Array | undefined {
  if (!t || t.dataType !== DataType.FLOAT || t.dims.length !== dims.length || t.dims.some((d, i) => d !== dims[i])) return undefined;
  const data = readTensorData(t) as Float32Array;
  return data.length === dims.reduce((a, b) => a * b, 1) && data.every(Number.isFinite) ? data : undefined;
}

/** Slice(data, [from], [to], [1]) along axis 1 only. */
function sliceOf(node: NodeProto | undefined, data: string, consts: ReadonlyMap<string, TensorProto>): [number, number] | undefined {
  if (!plainNode(node, 'Slice', 4) || node.input[0] !== data || !noAttrs(node)) return undefined;
  const [from, to, axes] = [1, 2, 3].map((i) => ints(consts.get(node.input[i]!)));
  if (from?.length !== 1 || to?.length !== 1 || axes?.length !== 1 || axes[0] !== 1) return undefined;
  return [from[0]!, to[0]!];
}

/**
 * The selection prefix exactly as `headModel` emits it (Gather of ascending in-range columns on
 * axis 1; optionally Slice, Mul, MatMul, Add, Max ε, Sqrt, Div and Concat for the norm), or
 * `{ at: 0 }` when the graph starts with its Gemm; undefined for anything else.
 */
export function matchInputSelection(nodes: readonly NodeProto[], consts: ReadonlyMap<string, TensorProto>, input: string, width: number): SelectionMatch | undefined {
  const gather = nodes[0];
  if (!plainNode(gather, 'Gather', 2) || gather.input[0] !== input) return gather?.opType === 'Gather' ? undefined : { at: 0, current: input };
  const columns = ints(consts.get(gather.input[1]!));
  if (!onlyIntAttr(gather, 'axis', 1) || !columns || columns.length === 0) return undefined;
  for (let i = 0; i < columns.length; i++) if (columns[i]! < 0 || columns[i]! >= width || (i > 0 && columns[i]! <= columns[i - 1]!)) return undefined;
  const kept = gather.output[0]!;
  const selection: HeadInputSelection = { width, columns: Int32Array.from(columns) };
  let at = 1;
  let tail = kept;
  let start = 0;
  const tailSlice = sliceOf(nodes[at], kept, consts);
  if (tailSlice) {
    [start] = tailSlice;
    if (start <= 0 || start >= columns.length || tailSlice[1] !== columns.length) return undefined;
    tail = nodes[at++]!.output[0]!;
  }
  const squares = nodes[at];
  if (!plainNode(squares, 'Mul', 2) || squares.input[0] !== tail || squares.input[1] !== tail || !noAttrs(squares)) {
    return tailSlice ? undefined : { selection, at, current: kept };
  }
  const [matmul, add, max, sqrt, div] = nodes.slice(at + 1, at + 6);
  const weights = plainNode(matmul, 'MatMul', 2) && matmul.input[0] === squares.output[0] && noAttrs(matmul) ? finiteFloats(consts.get(matmul.input[1]!), [columns.length - start, 1]) : undefined;
  const bias = plainNode(add, 'Add', 2) && add.input[0] === matmul?.output[0] && noAttrs(add) ? finiteFloats(consts.get(add.input[1]!), []) : undefined;
  const epsilon = plainNode(max, 'Max', 2) && max.input[0] === add?.output[0] && noAttrs(max) ? finiteFloats(consts.get(max.input[1]!), []) : undefined;
  if (!weights || !bias || epsilon?.[0] !== Math.fround(HEAD_NORM_EPSILON)) return undefined;
  if (!plainNode(sqrt, 'Sqrt', 1) || sqrt.input[0] !== max!.output[0] || !noAttrs(sqrt)) return undefined;
  if (!plainNode(div, 'Div', 2) || div.input[0] !== tail || div.input[1] !== sqrt.output[0] || !noAttrs(div)) return undefined;
  selection.norm = { start, weights, bias: bias[0]! };
  at += 6;
  if (start === 0) return { selection, at, current: div.output[0]! };
  const headSlice = sliceOf(nodes[at], kept, consts);
  const concat = nodes[at + 1];
  if (headSlice?.[0] !== 0 || headSlice[1] !== start) return undefined;
  if (!plainNode(concat, 'Concat', 2) || concat.input[0] !== nodes[at]!.output[0] || concat.input[1] !== div.output[0] || !onlyIntAttr(concat, 'axis', 1)) return undefined;
  return { selection, at: at + 2, current: concat.output[0]! };
}

/** The first index whose column is `column` or greater (`columns` ascending). */
export function lowerBound(columns: Int32Array, column: number): number {
  let lo = 0;
  let hi = columns.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (columns[mid]! < column) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Position of `column` among the ascending kept columns, or -1. */
export function keptPosition(columns: Int32Array, column: number): number {
  const at = lowerBound(columns, column);
  return columns[at] === column ? at : -1;
}

/** Divides the norm span of one gathered row (values in place) by its norm. */
export function normalizeKept(norm: NonNullable<HeadInputSelection['norm']>, positions: Int32Array, values: Float64Array, count: number): void {
  let sum = norm.bias;
  for (let i = 0; i < count; i++) {
    const p = positions[i]! - norm.start;
    if (p >= 0) sum += values[i]! * values[i]! * norm.weights[p]!;
  }
  const n = Math.sqrt(Math.max(sum, HEAD_NORM_EPSILON));
  for (let i = 0; i < count; i++) if (positions[i]! >= norm.start) values[i]! /= n;
}
