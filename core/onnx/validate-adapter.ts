import { AdapterModelError, type AdapterModelErrorCode } from './adapter-model-error';
import { ADAPTER_MODEL_LIMITS, type AdapterModelLimits } from './adapter-model-limits';
import { ALLOWED_OPS } from './allowed-ops';
import { decodeModel } from './decode-model';
import { inferNodeShapes, shapeWeight, ShapeInferenceError, type Shape } from './infer-shapes';
import { AttributeType, DataLocation, DataType, bytesPerElement } from './onnx-enums';
import { OnnxFormatError } from './onnx-format-error';
import type { GraphProto, ModelProto, NodeProto, TensorProto, ValueInfoProto } from './onnx-types';
import { readTensorData, storedElementCount } from './tensor-data';

export interface AdapterModelExpectation {
  /** Width of the feature vector the head reads: second dim of its only input. */
  inputDim: number;
  /** Number of labels: second dim of `probs`. */
  outputDim: number;
}

export interface ValidatedAdapterModel {
  model: ModelProto;
  irVersion: number;
  opset: number;
  inputName: string;
  outputName: string;
  /** Distinct op types, sorted. */
  ops: string[];
  nodeCount: number;
  /** Elements across all initializers. */
  parameterCount: number;
  /** In-memory bytes of all initializers. */
  initializerBytes: number;
}

const DEFAULT_DOMAINS = new Set(['', 'ai.onnx']);
/** Initializer element types the allow-listed ops need (weights, shapes, axes). */
const INITIALIZER_TYPES = new Set<number>([DataType.FLOAT, DataType.INT32, DataType.INT64]);
/** Constant integer inputs (shapes, axes, slice bounds) are tiny; longer ones are not what they
 * claim. Gather indices (the columns a head keeps) are the exception, bounded as any initializer. */
const MAX_CONST_INT_ELEMENTS = 64;

function refuse(code: AdapterModelErrorCode, message: string): never {
  throw new AdapterModelError(code, message);
}

function describeNode(n: NodeProto, index: number): string {
  return `node ${index} (${n.opType}${n.name ? ` "${n.name}"` : ''})`;
}

function decode(bytes: Uint8Array, limits: AdapterModelLimits): ModelProto {
  try {
    return decodeModel(bytes, { maxMessages: limits.maxProtoMessages, maxElements: limits.maxProtoElements });
  } catch (e) {
    if (e instanceof OnnxFormatError) {
      if (e.code === 'onnx_limit_exceeded') refuse('model_too_large', `model is too complex to decode: ${e.message}`);
      refuse(e.code === 'onnx_truncated' ? 'onnx_truncated' : 'onnx_malformed', `not a valid ONNX protobuf: ${e.message}`);
    }
    throw e;
  }
}

function checkVersions(model: ModelProto, limits: AdapterModelLimits): number {
  const ir = model.irVersion;
  if (ir < limits.minIrVersion || ir > limits.maxIrVersion) {
    refuse('unsupported_ir_version', `ir_version ${ir} is outside ${limits.minIrVersion}..${limits.maxIrVersion}`);
  }
  let opset: number | undefined;
  for (const o of model.opsetImport) {
    if (!DEFAULT_DOMAINS.has(o.domain)) refuse('custom_domain', `opset import of domain "${o.domain}" is not allowed`);
    if (opset !== undefined) refuse('unsupported_opset', 'the default domain is imported more than once');
    opset = o.version;
  }
  if (opset === undefined) refuse('unsupported_opset', 'no default-domain opset import');
  if (opset < limits.minOpset || opset > limits.maxOpset) {
    refuse('unsupported_opset', `opset ${opset} is outside ${limits.minOpset}..${limits.maxOpset}`);
  }
  return opset;
}

function checkDims(dims: readonly number[], what: string, limits: AdapterModelLimits): void {
  if (dims.length > limits.maxRank) refuse('dimension_too_large', `${what} has rank ${dims.length} > ${limits.maxRank}`);
  for (const d of dims) {
    if (!Number.isSafeInteger(d) || d < 0 || d > limits.maxDimension) {
      refuse('dimension_too_large', `${what} has dimension ${d} outside 0..${limits.maxDimension}`);
    }
  }
}

function checkExternal(t: TensorProto, what: string): void {
  if (t.dataLocation === DataLocation.EXTERNAL || (t.externalData?.length ?? 0) > 0) {
    refuse('external_data', `${what} refers to external data; adapters must be self-contained`);
  } else if (t.dataLocation !== undefined && t.dataLocation !== DataLocation.DEFAULT) {
    refuse('external_data', `${what} has unknown data_location ${t.dataLocation}`);
  }
}

/** Returns the tensor's in-memory bytes after checking it is self-contained, bounded and consistent. */
function checkInitializer(t: TensorProto, limits: AdapterModelLimits): number {
  const what = `initializer "${t.name ?? ''}"`;
  checkExternal(t, what);
  checkDims(t.dims, what, limits);
  let elements = 1;
  for (const d of t.dims) elements *= d;
  if (elements > limits.maxInitializerElements) {
    refuse('initializer_too_large', `${what} has ${elements} elements > ${limits.maxInitializerElements}`);
  }
  if (!t.name) refuse('initializer_invalid', 'an initializer has no name');
  if (!INITIALIZER_TYPES.has(t.dataType)) refuse('initializer_invalid', `${what} has data type ${t.dataType}; only float32, int32, int64 are allowed`);
  const sources = [t.rawData, t.floatData, t.int32Data, t.int64Data, t.doubleData, t.uint64Data, t.stringData].filter((s) => s !== undefined);
  if (sources.length > 1) refuse('initializer_invalid', `${what} stores its data in more than one field`);
  const stored = storedElementCount(t);
  if (stored !== elements) refuse('initializer_invalid', `${what} declares ${elements} elements but stores ${stored}`);
  return elements * bytesPerElement(t.dataType);
}

function tensorShape(v: ValueInfoProto): { elemType: number; dims: (number | string | undefined)[] } | undefined {
  const t = v.type?.tensorType;
  if (!t || !t.shape) return undefined;
  return { elemType: t.elemType, dims: t.shape.dim.map((d) => d.dimValue ?? d.dimParam) };
}

function checkIo(graph: GraphProto, initializerNames: Set<string>, expect: AdapterModelExpectation): { input: ValueInfoProto; output: ValueInfoProto } {
  const inputs = graph.input.filter((v) => !initializerNames.has(v.name));
  if (inputs.length !== 1) refuse('input_mismatch', `expected exactly one graph input, found ${inputs.length}`);
  const input = inputs[0]!;
  const ins = tensorShape(input);
  if (!ins || ins.elemType !== DataType.FLOAT || ins.dims.length !== 2 || ins.dims[1] !== expect.inputDim) {
    refuse('input_mismatch', `input "${input.name}" must be float32 [N, ${expect.inputDim}]`);
  }
  if (typeof ins.dims[0] === 'number' && ins.dims[0] < 1) refuse('input_mismatch', `input "${input.name}" has batch dim ${ins.dims[0]}`);
  if (graph.output.length !== 1) refuse('output_mismatch', `expected exactly one graph output, found ${graph.output.length}`);
  const output = graph.output[0]!;
  if (output.name !== 'probs') refuse('output_mismatch', `the output must be named "probs", not "${output.name}"`);
  const outs = tensorShape(output);
  if (!outs || outs.elemType !== DataType.FLOAT || outs.dims.length !== 2 || outs.dims[1] !== expect.outputDim) {
    refuse('output_mismatch', `output "probs" must be float32 [N, ${expect.outputDim}]`);
  }
  return { input, output };
}

function checkNodeShell(n: NodeProto, index: number): void {
  const what = describeNode(n, index);
  if (!DEFAULT_DOMAINS.has(n.domain ?? '')) refuse('custom_domain', `${what} is in domain "${n.domain}"`);
  for (const a of n.attribute ?? []) {
    if (a.g || (a.graphs?.length ?? 0) > 0 || a.type === AttributeType.GRAPH || a.type === AttributeType.GRAPHS) {
      refuse('subgraph_not_allowed', `${what} attribute "${a.name}" holds a subgraph`);
    }
    if (a.t) checkExternal(a.t, `${what} attribute "${a.name}"`);
    for (const t of a.tensors ?? []) checkExternal(t, `${what} attribute "${a.name}"`);
    if (a.refAttrName !== undefined) refuse('graph_invalid', `${what} attribute "${a.name}" refers to a function attribute`);
  }
  if (!ALLOWED_OPS.has(n.opType)) refuse('operator_not_allowed', `${what}: operator ${n.opType} is not allowed in adapters`);
}

function constInts(t: TensorProto, what: string, max = MAX_CONST_INT_ELEMENTS): number[] {
  if (t.dataType !== DataType.INT64 && t.dataType !== DataType.INT32) refuse('graph_invalid', `${what} must be int64`);
  const data = readTensorData(t);
  if (data.length > max) refuse('graph_invalid', `${what} has ${data.length} elements`);
  return Array.from(data as ArrayLike<number | bigint>, (v) => Number(v));
}

/**
 * Static checks for an untrusted adapter head, run before any ORT session exists. Throws
 * AdapterModelError with the code of the first rule the model breaks.
 */
export function validateAdapterModel(
  bytes: Uint8Array,
  expect: AdapterModelExpectation,
  limitOverrides: Partial<AdapterModelLimits> = {},
): ValidatedAdapterModel {
  const limits: AdapterModelLimits = { ...ADAPTER_MODEL_LIMITS, ...limitOverrides };
  if (bytes.length > limits.maxModelBytes) refuse('model_too_large', `model is ${bytes.length} bytes > ${limits.maxModelBytes}`);
  const model = decode(bytes, limits);
  const opset = checkVersions(model, limits);
  if ((model.functions?.length ?? 0) > 0) refuse('functions_not_allowed', 'model-local functions are not allowed');
  if ((model.trainingInfo?.length ?? 0) > 0) refuse('subgraph_not_allowed', 'training_info graphs are not allowed');
  const graph = model.graph;
  if (!graph) refuse('graph_invalid', 'model has no graph');
  if ((graph.sparseInitializer?.length ?? 0) > 0) refuse('initializer_invalid', 'sparse initializers are not allowed');

  // Tensors: self-contained, bounded, consistent.
  const initializers = new Map<string, TensorProto>();
  let initializerBytes = 0;
  let parameterCount = 0;
  for (const t of graph.initializer ?? []) {
    const size = checkInitializer(t, limits);
    if (initializers.has(t.name!)) refuse('graph_invalid', `initializer "${t.name}" is defined twice`);
    initializers.set(t.name!, t);
    initializerBytes += size;
    parameterCount += size / bytesPerElement(t.dataType);
    if (initializerBytes > limits.maxTotalInitializerBytes) {
      refuse('initializer_too_large', `initializers take more than ${limits.maxTotalInitializerBytes} bytes`);
    }
  }
  for (const v of [...graph.input, ...graph.output, ...(graph.valueInfo ?? [])]) {
    const dims = v.type?.tensorType?.shape?.dim ?? [];
    checkDims(dims.flatMap((d) => (d.dimValue === undefined ? [] : [d.dimValue])), `value "${v.name}"`, limits);
    if (dims.length > limits.maxRank) refuse('dimension_too_large', `value "${v.name}" has rank ${dims.length}`);
  }

  const { input, output } = checkIo(graph, new Set(initializers.keys()), expect);
  if (graph.node.length > limits.maxNodes) refuse('too_many_nodes', `${graph.node.length} nodes > ${limits.maxNodes}`);
  graph.node.forEach(checkNodeShell);

  // An initializer that is also a graph input is only a default: a caller may feed over it.
  const graphInputNames = new Set(graph.input.map((v) => v.name));
  const isConstant = (name: string): boolean => initializers.has(name) && !graphInputNames.has(name);

  // Topology and shapes in one pass over the (required) topological order.
  const shapes = new Map<string, Shape>();
  for (const [name, t] of initializers) shapes.set(name, [...t.dims]);
  const inputDims = input.type!.tensorType!.shape!.dim;
  shapes.set(input.name, [inputDims[0]?.dimValue ?? inputDims[0]?.dimParam ?? 'N', expect.inputDim]);
  for (const name of graphInputNames) if (!shapes.has(name)) refuse('graph_invalid', `graph input "${name}" has no shape`);

  graph.node.forEach((n, index) => {
    const what = describeNode(n, index);
    const rule = ALLOWED_OPS.get(n.opType)!;
    const inShapes: (Shape | undefined)[] = [];
    const ints: (number[] | undefined)[] = [];
    n.input.forEach((name, i) => {
      if (name === '') {
        inShapes.push(undefined);
        ints.push(undefined);
        return;
      }
      const s = shapes.get(name);
      if (!s) refuse('graph_invalid', `${what} reads "${name}" before anything produces it`);
      inShapes.push(s);
      if (rule.constInputs.includes(i)) {
        if (!isConstant(name)) refuse('operator_not_allowed', `${what}: input ${i} ("${name}") must be a constant initializer`);
        const t = initializers.get(name)!;
        if (t.dataType === DataType.FLOAT) ints.push(undefined);
        else ints.push(constInts(t, `${what} input ${i}`, n.opType === 'Gather' && i === 1 ? limits.maxInitializerElements : MAX_CONST_INT_ELEMENTS));
      } else ints.push(undefined);
    });
    if (n.opType === 'Reshape' && ints[1]) {
      for (const v of ints[1]) {
        if (v > limits.maxDimension) refuse('dimension_too_large', `${what} reshapes to dimension ${v} > ${limits.maxDimension}`);
      }
    }
    let out: Shape;
    try {
      out = inferNodeShapes(n, inShapes, ints, opset);
    } catch (e) {
      if (e instanceof ShapeInferenceError) refuse('graph_invalid', e.message);
      throw e;
    }
    if (out.length > limits.maxRank) refuse('dimension_too_large', `${what} produces rank ${out.length}`);
    if (shapeWeight(out) > limits.maxIntermediateElements) {
      refuse('intermediate_too_large', `${what} produces [${out.join(', ')}], more than ${limits.maxIntermediateElements} elements per row`);
    }
    if (n.output.length !== 1 || !n.output[0]) refuse('graph_invalid', `${what} must have exactly one named output`);
    const name = n.output[0];
    if (shapes.has(name)) refuse('graph_invalid', `${what} redefines "${name}"`);
    shapes.set(name, out);
  });

  const probs = shapes.get(output.name);
  if (!probs) refuse('graph_invalid', `nothing produces the output "${output.name}"`);
  if (probs.length !== 2 || (typeof probs[1] === 'number' && probs[1] !== expect.outputDim)) {
    refuse('output_mismatch', `the graph computes "probs" as [${probs.join(', ')}], not [N, ${expect.outputDim}]`);
  }

  return {
    model,
    irVersion: model.irVersion,
    opset,
    inputName: input.name,
    outputName: output.name,
    ops: [...new Set(graph.node.map((n) => n.opType))].sort(),
    nodeCount: graph.node.length,
    parameterCount,
    initializerBytes,
  };
}
