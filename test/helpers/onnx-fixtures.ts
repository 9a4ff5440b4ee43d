/**
 * Crafted ONNX adapter files: one valid head and one file per validator rule, each breaking
 * exactly that rule, so unit tests and the edge's worker tests refuse the same bytes.
 */
import { attr } from '../../core/onnx/graph-attributes';
import { GraphBuilder } from '../../core/onnx/graph-builder';
import { encodeModel } from '../../core/onnx/encode-model';
import { AttributeType, DataLocation, DataType } from '../../core/onnx/onnx-enums';
import type { ModelProto } from '../../core/onnx/onnx-types';
import { ProtoReader } from '../../core/onnx/protobuf-reader';
import { ProtoWriter } from '../../core/onnx/protobuf-writer';

/** Deterministic weights so fixtures are byte-stable across runs (mulberry32). */
export function seededFloats(count: number, seed = 1): Float32Array {
  let a = seed >>> 0;
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  }
  return out;
}

/** Gemm + Softmax head: features [N, inputDim] → probs [N, outputDim]. */
export function headBuilder(inputDim: number, outputDim: number): { g: GraphBuilder; logits: string } {
  const g = new GraphBuilder('graft_head');
  const x = g.input('features', 'float32', ['N', inputDim]);
  const w = g.initializer('W', seededFloats(inputDim * outputDim, 7), [inputDim, outputDim]);
  const b = g.initializer('B', seededFloats(outputDim, 11), [outputDim]);
  const logits = g.node('Gemm', [x, w, b], { alpha: attr.float(1), beta: attr.float(1) });
  return { g, logits };
}

export function validHeadModel(inputDim: number, outputDim: number): ModelProto {
  const { g, logits } = headBuilder(inputDim, outputDim);
  const p = g.node('Softmax', [logits], { axis: 1 });
  g.output(p, 'float32', ['N', outputDim], 'probs');
  return g.toModel({ opset: 17, metadata: { fixture: 'valid-head' } });
}

export function validHead(inputDim: number, outputDim: number): Uint8Array {
  return encodeModel(validHeadModel(inputDim, outputDim));
}

/** Builds a head whose graph the caller extends between logits and probs. */
function headWith(inputDim: number, outputDim: number, extend: (g: GraphBuilder, logits: string) => string, opset = 17): ModelProto {
  const { g, logits } = headBuilder(inputDim, outputDim);
  const last = extend(g, logits);
  g.output(last, 'float32', ['N', outputDim], 'probs');
  return g.toModel({ opset });
}

// ---- one file per rule -------------------------------------------------------------------------

/** model_too_large: a valid head padded past 16 MiB with a doc string. */
export function oversizedModel(inputDim = 4, outputDim = 2): Uint8Array {
  const m = validHeadModel(inputDim, outputDim);
  m.docString = 'x'.repeat(16 * 1024 * 1024 + 1);
  return encodeModel(m);
}

/** model_too_large: small on the wire, but 1M empty node messages appended to the graph. */
export function manyEmptyMessages(inputDim = 4, outputDim = 2, count = 1_000_000): Uint8Array {
  const nodes = new ProtoWriter(count * 2);
  for (let i = 0; i < count; i++) nodes.tag(1, 2).uvarint(0);
  return withExtraGraphFields(validHead(inputDim, outputDim), nodes.finish());
}

/** model_too_large: a packed int64 run of 10M one-byte varints (8 bytes of memory per wire byte). */
export function packedVarintBomb(inputDim = 4, outputDim = 2, count = 10_000_000): Uint8Array {
  const tensor = new ProtoWriter(count + 64).varintField(1, count).varintField(2, DataType.INT64);
  tensor.tag(7, 2).uvarint(count).raw(new Uint8Array(count)).stringField(8, 'bomb');
  const field = new ProtoWriter(count + 64).bytesField(5, tensor.finish()).finish();
  return withExtraGraphFields(validHead(inputDim, outputDim), field);
}

/** Appends raw GraphProto fields to a model's graph, for inputs the encoder would never write. */
function withExtraGraphFields(model: Uint8Array, extra: Uint8Array): Uint8Array {
  const out = new ProtoWriter(model.length + extra.length + 16);
  const r = new ProtoReader(model);
  while (!r.eof()) {
    const start = r.pos;
    const { field, wireType } = r.tag();
    if (field === 7) {
      const graph = r.bytes();
      const joined = new Uint8Array(graph.length + extra.length);
      joined.set(graph);
      joined.set(extra, graph.length);
      out.bytesField(7, joined);
    } else {
      r.skip(wireType);
      out.raw(model.subarray(start, r.pos));
    }
  }
  return out.finish();
}

/** onnx_truncated: a valid head cut in the middle of its weights. */
export function truncatedModel(inputDim = 16, outputDim = 3): Uint8Array {
  const bytes = validHead(inputDim, outputDim);
  return bytes.slice(0, Math.floor(bytes.length / 2));
}

/** onnx_malformed: seeded random bytes (the seed is chosen so they break the wire format, not just the length). */
export function randomBytes(length = 4096, seed = 3): Uint8Array {
  const f = seededFloats(length, seed);
  return Uint8Array.from(f, (v) => Math.floor((v + 1) * 128) & 0xff);
}

/** onnx_malformed: messages nested 100 deep (graph → node → attribute → graph …). */
export function deeplyNestedModel(depth = 100): Uint8Array {
  const m = validHeadModel(4, 2);
  let graph = m.graph!;
  for (let i = 0; i < depth; i++) {
    const inner = { node: [], name: `g${i}`, input: [], output: [] };
    graph.node.push({ input: [], output: [`o${i}`], opType: 'If', attribute: [{ name: 'then_branch', type: AttributeType.GRAPH, g: inner }] });
    graph = inner;
  }
  return encodeModel(m);
}

/** unsupported_ir_version */
export function irVersionTooNew(inputDim = 4, outputDim = 2): Uint8Array {
  return encodeModel({ ...validHeadModel(inputDim, outputDim), irVersion: 99 });
}

/** unsupported_opset */
export function opsetTooNew(inputDim = 4, outputDim = 2): Uint8Array {
  return encodeModel({ ...validHeadModel(inputDim, outputDim), opsetImport: [{ domain: '', version: 99 }] });
}

/** custom_domain: a node from a custom operator domain (and its import). */
export function customDomainOp(inputDim = 4, outputDim = 2): Uint8Array {
  const { g, logits } = headBuilder(inputDim, outputDim);
  const y = g.node('EvilOp', [logits], {}, { domain: 'com.example.evil' });
  const p = g.node('Softmax', [y], { axis: 1 });
  g.output(p, 'float32', ['N', outputDim], 'probs');
  return encodeModel(g.toModel({ extraOpsets: [{ domain: 'com.example.evil', version: 1 }] }));
}

/** custom_domain: same node, no import (the node's own domain must still be refused). */
export function customDomainNodeOnly(inputDim = 4, outputDim = 2): Uint8Array {
  const { g, logits } = headBuilder(inputDim, outputDim);
  const y = g.node('Relu', [logits], {}, { domain: 'com.example.evil' });
  const p = g.node('Softmax', [y], { axis: 1 });
  g.output(p, 'float32', ['N', outputDim], 'probs');
  return encodeModel(g.toModel());
}

/** functions_not_allowed: a model-local function (not even called). */
export function modelWithFunction(inputDim = 4, outputDim = 2): Uint8Array {
  const m = validHeadModel(inputDim, outputDim);
  m.functions = [{
    name: 'Helper', domain: 'local', input: ['x'], output: ['y'], attribute: [],
    node: [{ input: ['x'], output: ['y'], opType: 'Relu' }], opsetImport: [{ domain: '', version: 17 }],
  }];
  return encodeModel(m);
}

/** operator_not_allowed: ConstantOfShape asked for a 10^12-element tensor. */
export function constantOfShapeHuge(inputDim = 4, outputDim = 2): Uint8Array {
  return encodeModel(headWith(inputDim, outputDim, (g, logits) => {
    const shape = g.initializer('huge_shape', new BigInt64Array([1_000_000n, 1_000_000n]), [2]);
    const big = g.node('ConstantOfShape', [shape]);
    const s = g.node('ReduceSum', [big], { keepdims: 0 });
    const y = g.node('Add', [logits, s]);
    return g.node('Softmax', [y], { axis: 1 });
  }));
}

/** operator_not_allowed: Reshape whose shape comes from the data, not a constant. */
export function reshapeDynamicShape(inputDim = 4, outputDim = 2): Uint8Array {
  return encodeModel(headWith(inputDim, outputDim, (g, logits) => {
    const shape = g.node('Shape', [logits]);
    const y = g.node('Reshape', [logits, shape]);
    return g.node('Softmax', [y], { axis: 1 });
  }));
}

/** subgraph_not_allowed: a Loop with a body graph. */
export function loopWithBody(inputDim = 4, outputDim = 2): Uint8Array {
  return encodeModel(headWith(inputDim, outputDim, (g, logits) => {
    const trip = g.initializer('trip', new BigInt64Array([1_000_000_000n]), []);
    const body = new GraphBuilder('body');
    body.input('i', 'int64', []);
    body.input('cond_in', 'int32', []);
    body.input('acc_in', 'float32', ['N', outputDim]);
    const c = body.node('Identity', ['cond_in'], {}, { outputs: ['cond_out'] });
    const a = body.node('Identity', ['acc_in'], {}, { outputs: ['acc_out'] });
    body.output(c, 'int32', []);
    body.output(a, 'float32', ['N', outputDim]);
    const [out] = g.nodeOutputs('Loop', [trip, '', logits], {}, { outputs: ['loop_out'] });
    const loop = g.toGraph().node.at(-1)!;
    loop.attribute = [{ name: 'body', type: AttributeType.GRAPH, g: body.toGraph() }];
    return g.node('Softmax', [out!], { axis: 1 });
  }));
}

/** external_data: the weight matrix lives in a file next to the model. */
export function externalDataInitializer(inputDim = 4, outputDim = 2): Uint8Array {
  const m = validHeadModel(inputDim, outputDim);
  const w = m.graph!.initializer!.find((t) => t.name === 'W')!;
  delete w.floatData;
  w.dataLocation = DataLocation.EXTERNAL;
  w.externalData = [{ key: 'location', value: '../../../../etc/passwd' }, { key: 'offset', value: '0' }];
  return encodeModel(m);
}

/** initializer_too_large: a 9,000,000-element initializer (declared; no data needed to refuse it). */
export function initializerTooLarge(inputDim = 4, outputDim = 2): Uint8Array {
  const m = validHeadModel(inputDim, outputDim);
  m.graph!.initializer!.push({ name: 'big', dims: [3000, 3000], dataType: DataType.FLOAT });
  return encodeModel(m);
}

/** initializer_invalid: dims say 4×2 but only 3 floats are stored. */
export function initializerDataMismatch(inputDim = 4, outputDim = 2): Uint8Array {
  const m = validHeadModel(inputDim, outputDim);
  const w = m.graph!.initializer!.find((t) => t.name === 'W')!;
  w.floatData = new Float32Array(3);
  return encodeModel(m);
}

/** dimension_too_large: an initializer with a 2^25 dim (and 0 elements, so only the dim is wrong). */
export function dimensionTooLarge(inputDim = 4, outputDim = 2): Uint8Array {
  const m = validHeadModel(inputDim, outputDim);
  m.graph!.initializer!.push({ name: 'wide', dims: [0, 1 << 25], dataType: DataType.FLOAT });
  return encodeModel(m);
}

/** dimension_too_large: Reshape to a 2^30-wide shape. */
export function reshapeHugeDimension(inputDim = 4, outputDim = 2): Uint8Array {
  return encodeModel(headWith(inputDim, outputDim, (g, logits) => {
    const shape = g.initializer('shape', new BigInt64Array([-1n, 1n << 30n]), [2]);
    const y = g.node('Reshape', [logits, shape]);
    return g.node('Softmax', [y], { axis: 1 });
  }));
}

/** intermediate_too_large: [4000,1] + [1,4000] broadcasts to 16M elements. */
export function broadcastBlowup(inputDim = 4, outputDim = 2): Uint8Array {
  return encodeModel(headWith(inputDim, outputDim, (g, logits) => {
    const a = g.initializer('col', new Float32Array(4000), [4000, 1]);
    const b = g.initializer('row', new Float32Array(4000), [1, 4000]);
    const big = g.node('Add', [a, b]);
    const s = g.node('ReduceSum', [big], { keepdims: 0 });
    const y = g.node('Add', [logits, s]);
    return g.node('Softmax', [y], { axis: 1 });
  }));
}

/** input_mismatch: a head declared for a different feature width. */
export function wrongInputDim(inputDim = 4, outputDim = 2): Uint8Array {
  return validHead(inputDim + 1, outputDim);
}

/** input_mismatch: two runtime inputs. */
export function twoInputs(inputDim = 4, outputDim = 2): Uint8Array {
  const m = validHeadModel(inputDim, outputDim);
  m.graph!.input.push({ name: 'extra', type: { tensorType: { elemType: DataType.FLOAT, shape: { dim: [{ dimParam: 'N' }, { dimValue: 1 }] } } } });
  return encodeModel(m);
}

/** output_mismatch: probs declared [N, K+1]. */
export function wrongOutputShape(inputDim = 4, outputDim = 2): Uint8Array {
  const m = validHeadModel(inputDim, outputDim);
  m.graph!.output[0]!.type!.tensorType!.shape!.dim[1] = { dimValue: outputDim + 1 };
  return encodeModel(m);
}

/** output_mismatch: declared right, but the graph computes [N, K+1]. */
export function computedOutputMismatch(inputDim = 4, outputDim = 2): Uint8Array {
  const m = validHeadModel(inputDim + 0, outputDim);
  const g = new GraphBuilder('graft_head');
  const x = g.input('features', 'float32', ['N', inputDim]);
  const w = g.initializer('W', seededFloats(inputDim * (outputDim + 1)), [inputDim, outputDim + 1]);
  const y = g.node('MatMul', [x, w]);
  const p = g.node('Softmax', [y], { axis: 1 });
  g.output(p, 'float32', ['N', outputDim], 'probs');
  return encodeModel({ ...m, graph: g.toGraph() });
}

/** output_mismatch: the output is called "logits". */
export function outputNotNamedProbs(inputDim = 4, outputDim = 2): Uint8Array {
  const { g, logits } = headBuilder(inputDim, outputDim);
  g.output(logits, 'float32', ['N', outputDim], 'logits');
  return encodeModel(g.toModel());
}

/** too_many_nodes: 2,001 Identity nodes in a chain. */
export function tooManyNodes(inputDim = 4, outputDim = 2, count = 2001): Uint8Array {
  return encodeModel(headWith(inputDim, outputDim, (g, logits) => {
    let v = logits;
    for (let i = 0; i < count - 3; i++) v = g.node('Identity', [v]);
    return g.node('Softmax', [v], { axis: 1 });
  }));
}

/** graph_invalid: two nodes that read each other's outputs (a cycle). */
export function cyclicGraph(inputDim = 4, outputDim = 2): Uint8Array {
  const m = validHeadModel(inputDim, outputDim);
  const nodes = m.graph!.node;
  nodes.unshift(
    { input: ['loop_b'], output: ['loop_a'], opType: 'Relu', name: 'a' },
    { input: ['loop_a'], output: ['loop_b'], opType: 'Relu', name: 'b' },
  );
  return encodeModel(m);
}

/** graph_invalid: a node reads a value nothing produces. */
export function danglingInput(inputDim = 4, outputDim = 2): Uint8Array {
  const m = validHeadModel(inputDim, outputDim);
  m.graph!.node[0]!.input[2] = 'no_such_bias';
  return encodeModel(m);
}
