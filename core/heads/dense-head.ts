import { decodeModel } from '../onnx/decode-model';
import { AttributeType } from '../onnx/onnx-enums';
import type { AttributeProto, GraphProto, ModelProto, NodeProto } from '../onnx/onnx-types';
import type { SparseVector } from '../text/hashed-ngrams';
import type { HeadInputSelection } from './head-spec';
import { finiteFloats, keptPosition, lowerBound, matchInputSelection, normalizeKept, plainNode } from './input-selection';

/** One Gemm (+ optional Relu) of a head, weights row-major [inputs, outputs]. */
export interface DenseHeadLayer {
  inputs: number;
  outputs: number;
  weights: Float32Array;
  bias: Float32Array;
  relu: boolean;
}

/**
 * A head whose graph is exactly what `headModel` emits (Gemm [Relu] … then Softmax or Sigmoid,
 * default Gemm attributes), evaluated in plain TypeScript: tiny heads cost more in an ONNX
 * Runtime session (copies into wasm, output tensors) than in their arithmetic, and a sparse
 * hashed n-gram block multiplies in O(non-zeros) instead of O(width).
 */
export interface DenseHead {
  inputName: string;
  /** Columns kept (and the norm over part of them) before the first layer. */
  input?: HeadInputSelection;
  layers: DenseHeadLayer[];
  output: 'softmax' | 'sigmoid';
  /** Bytes of weights and biases held. */
  bytes: number;
}

/** One feature block of the head input for every row: dense [rows, dim], or one sparse vector per row. */
export type HeadInputBlock = { dim: number; dense: Float32Array } | { dim: number; sparse: readonly SparseVector[] };

const GEMM_DEFAULTS: Record<string, number> = { alpha: 1, beta: 1, transA: 0, transB: 0 };

function defaultAttributes(node: NodeProto, allowed: Record<string, number>): boolean {
  return (node.attribute ?? []).every((a: AttributeProto) => {
    const expected = allowed[a.name];
    if (expected === undefined) return false;
    const value = a.type === AttributeType.FLOAT ? a.f : a.type === AttributeType.INT ? a.i : undefined;
    return value === expected;
  });
}

/**
 * The head, when `graph` is exactly a chain of default-attribute Gemms (float weights [in, out],
 * bias [out], all finite) with optional Relus, ending in Softmax over the last axis or Sigmoid;
 * undefined for anything else, which then runs in ONNX Runtime. Call only on validated models.
 */
export function denseHeadOf(model: ModelProto): DenseHead | undefined {
  const graph: GraphProto | undefined = model.graph;
  if (!graph || graph.input.length !== 1 || graph.output.length !== 1 || (graph.sparseInitializer?.length ?? 0) > 0) return undefined;
  const inputDims = graph.input[0]!.type?.tensorType?.shape?.dim;
  const width = inputDims?.length === 2 ? inputDims[1]!.dimValue : undefined;
  if (width === undefined) return undefined;
  const initializers = new Map((graph.initializer ?? []).map((t) => [t.name ?? '', t]));
  const nodes = graph.node;
  const layers: DenseHeadLayer[] = [];
  const prefix = matchInputSelection(nodes, initializers, graph.input[0]!.name, width);
  if (!prefix) return undefined;
  let { current, at } = prefix;
  let inputs = prefix.selection ? prefix.selection.columns.length : width;
  while (plainNode(nodes[at], 'Gemm', 3)) {
    const node = nodes[at]!;
    const [x, w, b] = node.input;
    if (x !== current || !defaultAttributes(node, GEMM_DEFAULTS)) return undefined;
    const outputs = initializers.get(w!)?.dims[1];
    if (outputs === undefined) return undefined;
    const weights = finiteFloats(initializers.get(w!), [inputs, outputs]);
    const bias = finiteFloats(initializers.get(b!), [outputs]);
    if (!weights || !bias) return undefined;
    current = node.output[0]!;
    at++;
    const relu = plainNode(nodes[at], 'Relu', 1) && nodes[at]!.input[0] === current && (nodes[at]!.attribute?.length ?? 0) === 0;
    if (relu) current = nodes[at++]!.output[0]!;
    layers.push({ inputs, outputs, weights, bias, relu });
    inputs = outputs;
  }
  const last = nodes[at];
  if (layers.length === 0 || !last || last.input[0] !== current) return undefined;
  let output: DenseHead['output'];
  // For a 2-D input every Softmax axis convention (opset < 13 flattening at 1, or -1) is the rows.
  if (plainNode(last, 'Softmax', 1) && (last.attribute ?? []).every((a) => a.name === 'axis' && a.type === AttributeType.INT && (a.i === 1 || a.i === -1))) output = 'softmax';
  else if (plainNode(last, 'Sigmoid', 1) && (last.attribute?.length ?? 0) === 0) output = 'sigmoid';
  else return undefined;
  current = last.output[0]!;
  // GraphBuilder names the graph output through an Identity.
  const rename = nodes[at + 1];
  if (plainNode(rename, 'Identity', 1) && rename.input[0] === current && (rename.attribute?.length ?? 0) === 0) {
    current = rename.output[0]!;
    at++;
  }
  if (at !== nodes.length - 1 || current !== graph.output[0]!.name) return undefined;
  const selection = prefix.selection;
  const selectionBytes = selection ? selection.columns.length * 4 + (selection.norm?.weights.length ?? 0) * 4 : 0;
  const bytes = layers.reduce((sum, l) => sum + (l.weights.length + l.bias.length) * 4, selectionBytes);
  return { inputName: graph.input[0]!.name, ...(selection ? { input: selection } : {}), layers, output, bytes };
}

/** denseHeadOf on encoded ONNX bytes. */
export function denseHeadFromBytes(bytes: Uint8Array): DenseHead | undefined {
  return denseHeadOf(decodeModel(bytes));
}

/** probs [rows, K]: float32 results of float64 sums, as close to ONNX Runtime's float32 kernels as rounding allows. */
export function evaluateDenseHead(head: DenseHead, blocks: readonly HeadInputBlock[], rows: number): Float32Array {
  const [first, ...rest] = head.layers;
  let width = first!.outputs;
  let x = new Float32Array(rows * width);
  const acc = new Float64Array(Math.max(...head.layers.map((l) => l.outputs)));
  const kept = head.input ? gatheredRows(head.input, blocks) : undefined;
  for (let r = 0; r < rows; r++) {
    const { weights: w, bias, outputs: k } = first!;
    for (let o = 0; o < k; o++) acc[o] = bias[o]!;
    if (kept) {
      const { positions, values, count } = kept.row(r);
      for (let i = 0; i < count; i++) {
        const v = values[i]!;
        for (let o = 0, base = positions[i]! * k; o < k; o++) acc[o]! += v * w[base + o]!;
      }
    } else {
      let offset = 0;
      for (const block of blocks) {
        if ('dense' in block) {
          const data = block.dense;
          for (let i = 0, at = r * block.dim; i < block.dim; i++) {
            const v = data[at + i]!;
            if (v === 0) continue;
            for (let o = 0, base = (offset + i) * k; o < k; o++) acc[o]! += v * w[base + o]!;
          }
        } else {
          const { indices, values } = block.sparse[r]!;
          for (let p = 0; p < indices.length; p++) {
            const v = values[p]!;
            for (let o = 0, base = (offset + indices[p]!) * k; o < k; o++) acc[o]! += v * w[base + o]!;
          }
        }
        offset += block.dim;
      }
    }
    for (let o = 0; o < k; o++) x[r * k + o] = first!.relu && acc[o]! < 0 ? 0 : acc[o]!;
  }
  for (const layer of rest) {
    const { weights: w, bias, outputs: k, inputs: n, relu } = layer;
    const y = new Float32Array(rows * k);
    for (let r = 0; r < rows; r++) {
      for (let o = 0; o < k; o++) acc[o] = bias[o]!;
      for (let i = 0; i < n; i++) {
        const v = x[r * n + i]!;
        if (v === 0) continue;
        for (let o = 0, base = i * k; o < k; o++) acc[o]! += v * w[base + o]!;
      }
      for (let o = 0; o < k; o++) y[r * k + o] = relu && acc[o]! < 0 ? 0 : acc[o]!;
    }
    x = y;
    width = k;
  }
  for (let r = 0; r < rows; r++) {
    const row = x.subarray(r * width, (r + 1) * width);
    if (head.output === 'sigmoid') {
      for (let o = 0; o < width; o++) row[o] = 1 / (1 + Math.exp(-row[o]!));
      continue;
    }
    let max = -Infinity;
    for (let o = 0; o < width; o++) max = Math.max(max, row[o]!);
    let sum = 0;
    for (let o = 0; o < width; o++) sum += acc[o] = Math.exp(row[o]! - max);
    for (let o = 0; o < width; o++) row[o] = acc[o]! / sum;
  }
  return x;
}

/**
 * Each row's non-zero inputs restricted to the kept columns, as (position among kept, value),
 * normalised as the selection says: the Gather (and norm) of the ONNX graph, in O(non-zeros).
 */
function gatheredRows(selection: HeadInputSelection, blocks: readonly HeadInputBlock[]) {
  const widest = blocks.reduce((sum, b) => sum + ('dense' in b ? b.dim : b.sparse.reduce((most, v) => Math.max(most, v.indices.length), 0)), 0);
  const positions = new Int32Array(widest);
  const values = new Float64Array(widest);
  return {
    row(r: number): { positions: Int32Array; values: Float64Array; count: number } {
      let count = 0;
      let offset = 0;
      const { columns } = selection;
      const keepAt = (p: number, v: number) => {
        positions[count] = p;
        values[count++] = v;
      };
      for (const block of blocks) {
        if ('dense' in block) {
          // Consecutive columns against ascending kept ones: one search, then a cursor.
          let p = lowerBound(columns, offset);
          for (let i = 0, at = r * block.dim; i < block.dim; i++) {
            while (p < columns.length && columns[p]! < offset + i) p++;
            const v = block.dense[at + i]!;
            if (v !== 0 && columns[p] === offset + i) keepAt(p, v);
          }
        } else {
          const { indices, values: vs } = block.sparse[r]!;
          for (let q = 0; q < indices.length; q++) {
            const p = vs[q] === 0 ? -1 : keptPosition(columns, offset + indices[q]!);
            if (p >= 0) keepAt(p, vs[q]!);
          }
        }
        offset += block.dim;
      }
      if (selection.norm) normalizeKept(selection.norm, positions, values, count);
      return { positions, values, count };
    },
  };
}
