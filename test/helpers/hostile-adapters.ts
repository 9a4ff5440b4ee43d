/**
 * Adapter heads an attacker would upload to make one request (or one session) cost far more than
 * its size suggests, one per rule of decision 0040, each otherwise a valid head for features
 * [N, inputDim] → probs [N, labels]: the unit and worker tests refuse the same bytes.
 */
import { headModel } from '../../core/heads/head-model';
import { encodeModel } from '../../core/onnx/encode-model';
import { F } from '../../core/onnx/onnx-field-numbers';
import { GraphBuilder, type Dim } from '../../core/onnx/graph-builder';
import { DataType } from '../../core/onnx/onnx-enums';
import { ProtoReader } from '../../core/onnx/protobuf-reader';
import { ProtoWriter, WireType } from '../../core/onnx/protobuf-writer';
import { seededFloats, validHead } from './onnx-fixtures';

const int64s = (...values: number[]) => BigInt64Array.from(values.map(BigInt));

function head(name: string, inputDim: number, batch: Dim = 'N'): { g: GraphBuilder; x: string } {
  const g = new GraphBuilder(name);
  return { g, x: g.input('features', 'float32', [batch, inputDim]) };
}

/** [rows, width] → Gemm → Softmax → probs [rows, labels]. */
function finish(g: GraphBuilder, rows: string, width: number, labels: number, batch: Dim = 'N'): Uint8Array {
  const w = g.initializer(g.fresh('w_out'), seededFloats(width * labels, 5), [width, labels]);
  const logits = g.node('Gemm', [rows, w, g.initializer(g.fresh('b_out'), new Float32Array(labels), [labels])]);
  g.output(g.node('Softmax', [logits], { axis: 1 }), 'float32', [batch, labels], 'probs');
  return encodeModel(g.toModel({ opset: 17 }));
}

/**
 * (x[N,1,1] + A[1,k,1]) + B[1,1,k]: k² elements per batch row, 4M for k = 2000, a ~40 KB file.
 * Under a per-row bound of 8M; 1 GiB of float32 at 64 rows. `batch` names the input's batch dim.
 */
export function batchBroadcastBlowup(inputDim: number, labels: number, k = 2000, batch = 'N'): Uint8Array {
  const { g, x } = head('batch_blowup', inputDim, batch);
  const col = g.node('ReduceSum', [x, g.initializer('axis_1', int64s(1), [1])], { keepdims: 1 });
  const cube = g.node('Unsqueeze', [col, g.initializer('axis_2', int64s(2), [1])]);
  const a = g.initializer('A', seededFloats(k, 1), [1, k, 1]);
  const b = g.initializer('B', seededFloats(k, 2), [1, 1, k]);
  const big = g.node('Add', [g.node('Add', [cube, a]), b]);
  const rows = g.node('ReduceSum', [big, g.initializer('axis_2b', int64s(2), [1])], { keepdims: 0 });
  return finish(g, rows, k, labels, batch);
}

/** Each tensor under the per-tensor bound at 64 rows (6.1M elements), four of them well over the
 * sum: x[N,D,1] × C[1,1,m] then three Relus. */
export function manyLargeIntermediates(inputDim: number, labels: number, m = 6000, relus = 3): Uint8Array {
  const { g, x } = head('many_intermediates', inputDim);
  const cube = g.node('Unsqueeze', [x, g.initializer('axis_2', int64s(2), [1])]);
  let wide = g.node('Mul', [cube, g.initializer('C', seededFloats(m, 3), [1, 1, m])]);
  for (let i = 0; i < relus; i++) wide = g.node('Relu', [wide]);
  const rows = g.node('ReduceSum', [wide, g.initializer('axis_2b', int64s(2), [1])], { keepdims: 0 });
  return finish(g, rows, inputDim, labels);
}

/** Small tensors, huge arithmetic: h[N,k] → G = hᵀh [k,k] → G·G, 2k³ (16G for k = 2000) per request. */
export function matmulFlops(inputDim: number, labels: number, k = 2000): Uint8Array {
  const { g, x } = head('flops', inputDim);
  const h = g.node('Gemm', [x, g.initializer('W1', seededFloats(inputDim * k, 4), [inputDim, k])]);
  const gram = g.node('MatMul', [g.node('Transpose', [h], { perm: [1, 0] }), h]);
  const square = g.node('MatMul', [gram, gram]);
  const s = g.node('ReduceSum', [square], { keepdims: 0 });
  const w = g.initializer('w_out', seededFloats(inputDim * labels, 5), [inputDim, labels]);
  const logits = g.node('Add', [g.node('Gemm', [x, w]), s]);
  g.output(g.node('Softmax', [logits], { axis: 1 }), 'float32', ['N', labels], 'probs');
  return encodeModel(g.toModel({ opset: 17 }));
}

/** A[k,1] + B[1,k] is an initializer-only node ORT folds at session creation into a k×k constant
 * (16 MB for k = 2000) that stays in the session, from 16 KB of initializers. */
export function foldedConstant(inputDim: number, labels: number, k = 2000): Uint8Array {
  const { g, x } = head('folded', inputDim);
  const h = g.node('Gemm', [x, g.initializer('W1', seededFloats(inputDim * k, 4), [inputDim, k])]);
  const folded = g.node('Add', [g.initializer('A', seededFloats(k, 1), [k, 1]), g.initializer('B', seededFloats(k, 2), [1, k])]);
  return finish(g, g.node('MatMul', [h, folded]), k, labels);
}

/** A Concat of the input with itself `count` times along the features, then their sum. */
export function wideConcat(inputDim: number, labels: number, count: number): Uint8Array {
  const { g, x } = head('wide_concat', inputDim);
  const joined = g.node('Concat', Array.from({ length: count }, () => x), { axis: 1 });
  return finish(g, g.node('ReduceSum', [joined, g.initializer('axis_1', int64s(1), [1])], { keepdims: 1 }), 1, labels);
}

/** Softmax with its axis given twice (1, then 0): which one a reader keeps is up to the reader. */
export function repeatedAttribute(inputDim: number, labels: number): Uint8Array {
  const { g, x } = head('repeated_attribute', inputDim);
  const logits = g.node('Gemm', [x, g.initializer('W', seededFloats(inputDim * labels, 5), [inputDim, labels])]);
  const probs = g.node('Softmax', [logits], { axis: 1 });
  const softmax = g.toGraph().node.at(-1)!;
  softmax.attribute!.push({ ...softmax.attribute![0]!, i: 0 });
  g.output(probs, 'float32', ['N', labels], 'probs');
  return encodeModel(g.toModel({ opset: 17 }));
}

/** A graft-style linear head whose rows do not follow the input's: ReduceSum over the batch. */
export function rowsCollapsed(inputDim: number, labels: number): Uint8Array {
  const { g, x } = head('rows_collapsed', inputDim);
  const one = g.node('ReduceSum', [x, g.initializer('axis_0', int64s(0), [1])], { keepdims: 1 });
  return finish(g, one, inputDim, labels);
}

/** The same, with twice the input's rows: Concat along the batch. */
export function rowsDoubled(inputDim: number, labels: number): Uint8Array {
  const { g, x } = head('rows_doubled', inputDim);
  return finish(g, g.node('Concat', [x, x], { axis: 0 }), inputDim, labels);
}

/** A linear head that fixes its batch to `rows` (what an export without dynamic axes writes). */
export function fixedBatch(inputDim: number, labels: number, rows = 1): Uint8Array {
  const { g, x } = head('fixed_batch', inputDim, rows);
  return finish(g, x, inputDim, labels, rows);
}

/** Reads the feature block sum only: an ORT head (not what headModel writes) for any input width. */
export function foreignSumHead(inputDim: number, labels: number): Uint8Array {
  const { g, x } = head('foreign_sum', inputDim);
  const total = g.node('ReduceSum', [x, g.initializer('axis_1', int64s(1), [1])], { keepdims: 1 });
  const logits = g.node('Mul', [total, g.initializer('scale', seededFloats(labels, 6), [1, labels])]);
  g.output(g.node('Softmax', [logits], { axis: 1 }), 'float32', ['N', labels], 'probs');
  return encodeModel(g.toModel({ opset: 17 }));
}

/** What graft train writes over a wide input: a Gather of a few columns, then one Gemm (decision 0020). */
export function typeScriptHead(inputDim: number, labels: number, kept = 64): Uint8Array {
  const step = Math.floor(inputDim / kept);
  const columns = Int32Array.from({ length: kept }, (_, i) => i * step);
  const layer = { inputs: kept, outputs: labels, weights: seededFloats(kept * labels, 8), bias: new Float32Array(labels), activation: 'linear' as const };
  return headModel({ input: { width: inputDim, columns }, layers: [layer], output: 'softmax' });
}

/** A two-layer MLP as PyTorch exports it (Gemm transB=1, so ORT runs it, not TypeScript). */
export function foreignMlp(inputDim: number, labels: number, hidden = 256): Uint8Array {
  const { g, x } = head('torch_mlp', inputDim);
  const w1 = g.initializer('fc1.weight', seededFloats(hidden * inputDim, 9), [hidden, inputDim]);
  const h = g.node('Relu', [g.node('Gemm', [x, w1, g.initializer('fc1.bias', seededFloats(hidden, 10), [hidden])], { transB: 1 })]);
  const w2 = g.initializer('fc2.weight', seededFloats(labels * hidden, 11), [labels, hidden]);
  const logits = g.node('Gemm', [h, w2, g.initializer('fc2.bias', seededFloats(labels, 12), [labels])], { transB: 1 });
  g.output(g.node('Softmax', [logits], { axis: 1 }), 'float32', ['N', labels], 'probs');
  return encodeModel(g.toModel({ opset: 17 }));
}

// ---- protobuf a writer never emits ----------------------------------------------------------------

/** Appends `extra` (raw fields) to the message at `path` (the first occurrence of each field number). */
function appendAt(message: Uint8Array, path: readonly number[], extra: Uint8Array): Uint8Array {
  const [field, ...rest] = path;
  const out = new ProtoWriter(message.length + extra.length + 16);
  const r = new ProtoReader(message);
  let done = field === undefined;
  while (!r.eof()) {
    const start = r.pos;
    const tag = r.tag();
    if (!done && tag.field === field && tag.wireType === WireType.LENGTH_DELIMITED) {
      out.bytesField(tag.field, appendAt(r.bytes(), rest, extra));
      done = true;
    } else {
      r.skip(tag.wireType);
      out.raw(message.subarray(start, r.pos));
    }
  }
  if (field === undefined) out.raw(extra);
  return out.finish();
}

const FIRST_INPUT = [F.Model.graph, F.Graph.input];

/** The input's `type` given twice: protobuf merges the two (its dims appended), a replacing
 * decoder keeps the last. */
export function inputTypeTwice(inputDim: number, labels: number): Uint8Array {
  const type = new ProtoWriter()
    .messageField(F.Type.tensorType, (t) =>
      t.varintField(F.TypeTensor.elemType, DataType.FLOAT).messageField(F.TypeTensor.shape, (s) =>
        s.messageField(F.TensorShape.dim, (d) => d.stringField(F.Dimension.dimParam, 'N')).messageField(F.TensorShape.dim, (d) => d.varintField(F.Dimension.dimValue, inputDim)),
      ),
    )
    .finish();
  return appendAt(validHead(inputDim, labels), FIRST_INPUT, new ProtoWriter().bytesField(F.ValueInfo.type, type).finish());
}

/** The input's batch dim as both dim_param "N" and dim_value 1 (a oneof: protobuf keeps the last). */
export function batchDimBothWays(inputDim: number, labels: number): Uint8Array {
  const path = [...FIRST_INPUT, F.ValueInfo.type, F.Type.tensorType, F.TypeTensor.shape, F.TensorShape.dim];
  return appendAt(validHead(inputDim, labels), path, new ProtoWriter().varintField(F.Dimension.dimValue, 1).finish());
}

/** The first node's op_type given twice (Gemm, then Identity). */
export function opTypeTwice(inputDim: number, labels: number): Uint8Array {
  return appendAt(validHead(inputDim, labels), [F.Model.graph, F.Graph.node], new ProtoWriter().stringField(F.Node.opType, 'Identity').finish());
}

/** An int64 initializer of `count` one-byte packed varints: `count` bytes on the wire, 8 × `count`
 * in memory once decoded. */
export function packedInt64Run(inputDim: number, labels: number, count: number): Uint8Array {
  const tensor = new ProtoWriter(count + 64).varintField(F.Tensor.dims, count).varintField(F.Tensor.dataType, DataType.INT64);
  tensor.tag(F.Tensor.int64Data, WireType.LENGTH_DELIMITED).uvarint(count).raw(new Uint8Array(count)).stringField(F.Tensor.name, 'ids');
  return appendAt(validHead(inputDim, labels), [F.Model.graph], new ProtoWriter(count + 64).bytesField(F.Graph.initializer, tensor.finish()).finish());
}

/** A string initializer of `count` empty strings: 2 bytes each on the wire, a ~100-byte view each once decoded. */
export function emptyStrings(inputDim: number, labels: number, count: number): Uint8Array {
  const tensor = new ProtoWriter(2 * count + 64).varintField(F.Tensor.dims, count).varintField(F.Tensor.dataType, DataType.STRING);
  for (let i = 0; i < count; i++) tensor.tag(F.Tensor.stringData, WireType.LENGTH_DELIMITED).uvarint(0);
  tensor.stringField(F.Tensor.name, 'words');
  return appendAt(validHead(inputDim, labels), [F.Model.graph], new ProtoWriter(2 * count + 64).bytesField(F.Graph.initializer, tensor.finish()).finish());
}
