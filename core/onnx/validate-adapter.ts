import { denseHeadOf } from '../heads/dense-head';
import { AdapterModelError, type AdapterModelErrorCode } from './adapter-model-error';
import { ADAPTER_MODEL_LIMITS, type AdapterModelLimits } from './adapter-model-limits';
import { ALLOWED_OPS } from './allowed-ops';
import { decodeModel, RepeatedFieldError } from './decode-model';
import { elementsOf, inferNodeShapes, nodeOps, ShapeInferenceError, slicedAxes, type Shape } from './infer-shapes';
import { AttributeType, DataLocation, DataType, bytesPerElement } from './onnx-enums';
import { OnnxFormatError } from './onnx-format-error';
import type { GraphProto, ModelProto, NodeProto, TensorProto, TensorShapeDimension, ValueInfoProto } from './onnx-types';
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
  /** What evaluates it at the edge: TypeScript when it is exactly what `headModel` writes
   * (decision 0020), else ONNX Runtime. */
  runtime: 'typescript' | 'ort';
  /** What ORT spends on it at the maximum batch; absent for a head ORT never runs. */
  cost?: AdapterCost;
}

/** An ORT head's cost, every figure at `rows` rows (decision 0040). */
export interface AdapterCost {
  rows: number;
  /** Bytes of the float32 [rows, width] input it is fed. */
  inputBytes: number;
  /** Elements of the largest tensor it computes. */
  largestElements: number;
  /** Elements of every tensor it computes, summed, constants ORT folds included. */
  totalElements: number;
  /** Estimated arithmetic operations (infer-shapes' nodeOps), folding included. */
  operations: number;
  /** Bytes of folded constants that stay in the session beside the initializers. */
  foldedBytes: number;
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
    return decodeModel(bytes, { maxMessages: limits.maxProtoMessages, maxBytes: limits.maxDecodedBytes });
  } catch (e) {
    if (e instanceof RepeatedFieldError) refuse('onnx_field_repeated', `ambiguous ONNX protobuf: ${e.message}`);
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

function tensorShape(v: ValueInfoProto): { elemType: number; dims: TensorShapeDimension[] } | undefined {
  const t = v.type?.tensorType;
  if (!t || !t.shape) return undefined;
  return { elemType: t.elemType, dims: t.shape.dim };
}

function checkIo(graph: GraphProto, initializerNames: Set<string>, expect: AdapterModelExpectation): { input: ValueInfoProto; output: ValueInfoProto } {
  const inputs = graph.input.filter((v) => !initializerNames.has(v.name));
  if (inputs.length !== 1) refuse('input_mismatch', `expected exactly one graph input, found ${inputs.length}`);
  const input = inputs[0]!;
  const ins = tensorShape(input);
  if (!ins || ins.elemType !== DataType.FLOAT || ins.dims.length !== 2 || ins.dims[1]!.dimValue !== expect.inputDim) {
    refuse('input_mismatch', `input "${input.name}" must be float32 [N, ${expect.inputDim}]`);
  }
  // The batch is the input's one symbolic dimension; its name is only a name (costs are weighed
  // at the maximum batch whatever it says), and a fixed size would refuse other batch sizes.
  const batch = ins.dims[0]!;
  if (batch.dimValue !== undefined) refuse('batch_dim_invalid', `input "${input.name}" fixes its batch dimension to ${batch.dimValue}; it must be symbolic`);
  if (graph.output.length !== 1) refuse('output_mismatch', `expected exactly one graph output, found ${graph.output.length}`);
  const output = graph.output[0]!;
  if (output.name !== 'probs') refuse('output_mismatch', `the output must be named "probs", not "${output.name}"`);
  const outs = tensorShape(output);
  if (!outs || outs.elemType !== DataType.FLOAT || outs.dims.length !== 2 || outs.dims[1]!.dimValue !== expect.outputDim) {
    refuse('output_mismatch', `output "probs" must be float32 [N, ${expect.outputDim}]`);
  }
  const rows = outs.dims[0]!;
  if (rows.dimValue !== undefined || (rows.dimParam && batch.dimParam && rows.dimParam !== batch.dimParam)) {
    refuse('batch_dim_invalid', `output "probs" declares ${rows.dimValue ?? `"${rows.dimParam}"`} rows; it must be the input's batch dimension${batch.dimParam ? ` "${batch.dimParam}"` : ''}`);
  }
  return { input, output };
}

function checkNodeShell(n: NodeProto, index: number, limits: AdapterModelLimits): void {
  const what = describeNode(n, index);
  if (!DEFAULT_DOMAINS.has(n.domain ?? '')) refuse('custom_domain', `${what} is in domain "${n.domain}"`);
  if (n.input.length > limits.maxNodeInputs) refuse('too_many_node_inputs', `${what} has ${n.input.length} inputs > ${limits.maxNodeInputs}`);
  const names = new Set<string>();
  for (const a of n.attribute ?? []) {
    // ONNX Runtime keeps one attribute per name, not necessarily the one shape inference would read.
    if (names.has(a.name)) refuse('attribute_repeated', `${what} has attribute "${a.name}" more than once`);
    names.add(a.name);
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
 * A Slice along a dimension that grows with the batch can be larger at a small batch than at the
 * maximum (a start counted from the end), which would make the maximum batch no longer the worst.
 */
function checkSliceAxes(n: NodeProto, data: readonly Shape[], ints: readonly (number[] | undefined)[], opset: number, what: string): void {
  const [first, ...others] = data;
  for (const axis of slicedAxes(n, first!.length, ints, opset) ?? []) {
    if (others.some((s) => s[axis] !== first![axis])) refuse('batch_dim_invalid', `${what} slices dimension ${axis}, which depends on the batch`);
  }
}

/**
 * What ORT spends on the graph at the maximum batch (probed shapes are monotone in the batch, so
 * that is the worst), refused as soon as one budget is passed. A node whose inputs are all
 * constants is what ORT folds at session creation: it counts like any other, once, and what
 * survives folding (read by a node that runs per request) stays resident like an initializer.
 */
class CostMeter {
  private largest = 0;
  private total = 0;
  private operations = 0;
  private readonly folded = new Map<string, number>();
  private readonly resident = new Set<string>();
  private foldedBytes = 0;

  constructor(
    private readonly rows: number,
    private readonly width: number,
    private readonly limits: AdapterModelLimits,
  ) {
    const bytes = rows * width * 4;
    if (bytes > limits.maxDenseInputBytes) {
      refuse('run_input_too_large', `${width} float32 features at ${rows} rows are ${bytes} bytes > ${limits.maxDenseInputBytes}; only heads graft train writes read hashed n-grams sparse`);
    }
  }

  node(n: NodeProto, what: string, inputs: readonly (Shape | undefined)[], out: Shape, elementBytes: number, isInitializer: (name: string) => boolean): void {
    const { limits, rows } = this;
    const elements = elementsOf(out);
    if (elements > limits.maxIntermediateElements) {
      refuse('intermediate_too_large', `${what} produces [${out.join(', ')}] at ${rows} rows, more than ${limits.maxIntermediateElements} elements`);
    }
    this.largest = Math.max(this.largest, elements);
    this.total += elements;
    if (this.total > limits.maxTotalIntermediateElements) {
      refuse('intermediate_total_too_large', `the tensors computed up to ${what} hold ${this.total} elements at ${rows} rows, more than ${limits.maxTotalIntermediateElements}`);
    }
    this.operations += nodeOps(n, inputs, out);
    if (this.operations > limits.maxOperations) {
      refuse('compute_too_large', `the graph up to ${what} takes about ${this.operations} operations at ${rows} rows, more than ${limits.maxOperations}`);
    }
    const live = n.input.filter((name) => name !== '');
    if (live.every((name) => isInitializer(name) || this.folded.has(name))) {
      this.folded.set(n.output[0]!, elements * elementBytes);
      return;
    }
    for (const name of live) {
      const bytes = this.folded.get(name);
      if (bytes === undefined || this.resident.has(name)) continue;
      this.resident.add(name);
      this.foldedBytes += bytes;
    }
  }

  /** Folded constants may not hold more than the weights they come from: the adapter cache
   * charges a session by its model's size, which must stay what it holds. */
  foldedWithin(initializerBytes: number): void {
    if (this.foldedBytes > initializerBytes) {
      refuse('folded_constant_too_large', `constants folded from the initializers take ${this.foldedBytes} bytes, more than the ${initializerBytes} bytes of initializers`);
    }
  }

  cost(): AdapterCost {
    return {
      rows: this.rows,
      inputBytes: this.rows * this.width * 4,
      largestElements: this.largest,
      totalElements: this.total,
      operations: this.operations,
      foldedBytes: this.foldedBytes,
    };
  }
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
  graph.node.forEach((n, index) => checkNodeShell(n, index, limits));

  const runtime = denseHeadOf(model) ? 'typescript' : 'ort';
  const rows = limits.maxBatchRows;
  const meter = runtime === 'ort' ? new CostMeter(rows, expect.inputDim, limits) : undefined;

  // An initializer that is also a graph input is only a default: a caller may feed over it.
  const graphInputNames = new Set(graph.input.map((v) => v.name));
  const isConstant = (name: string): boolean => initializers.has(name) && !graphInputNames.has(name);

  // Topology and shapes in one pass over the (required) topological order, each shape inferred at
  // every probed batch size: 1 and 2 catch graphs that only work for some batches (a dimension
  // broadcast against a fixed 64), the maximum weighs the cost.
  const probes = [...new Set([1, 2, rows])];
  const shapes = new Map<string, Shape[]>();
  const elementBytes = new Map<string, number>();
  for (const [name, t] of initializers) {
    shapes.set(name, probes.map(() => t.dims));
    elementBytes.set(name, bytesPerElement(t.dataType));
  }
  shapes.set(input.name, probes.map((p) => [p, expect.inputDim]));
  elementBytes.set(input.name, 4);
  for (const name of graphInputNames) if (!shapes.has(name)) refuse('graph_invalid', `graph input "${name}" has no shape`);

  graph.node.forEach((n, index) => {
    const what = describeNode(n, index);
    if (n.output.length !== 1 || !n.output[0]) refuse('graph_invalid', `${what} must have exactly one named output`);
    const rule = ALLOWED_OPS.get(n.opType)!;
    const inShapes: (Shape[] | undefined)[] = [];
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
    const at = (p: number) => inShapes.map((s) => s?.[p]);
    let outs: Shape[];
    try {
      outs = probes.map((_, p) => inferNodeShapes(n, at(p), ints, opset));
      if (n.opType === 'Slice') checkSliceAxes(n, probes.map((_, p) => at(p)[0]!), ints, opset, what);
    } catch (e) {
      if (e instanceof ShapeInferenceError) refuse('graph_invalid', e.message);
      throw e;
    }
    const largest = outs.at(-1)!;
    for (const out of outs) checkDims(out, `${what}'s output`, limits);
    const name = n.output[0];
    if (shapes.has(name)) refuse('graph_invalid', `${what} redefines "${name}"`);
    shapes.set(name, outs);
    elementBytes.set(name, elementBytes.get(n.input[0] ?? '') ?? 4);
    meter?.node(n, what, at(probes.length - 1), largest, elementBytes.get(name)!, isConstant);
  });

  const probs = shapes.get(output.name);
  if (!probs) refuse('graph_invalid', `nothing produces the output "${output.name}"`);
  probes.forEach((p, i) => {
    const [n, k, ...more] = probs[i]!;
    if (k !== expect.outputDim || more.length > 0) refuse('output_mismatch', `the graph computes "probs" as [${probs[i]!.join(', ')}], not [N, ${expect.outputDim}]`);
    if (n !== p) refuse('batch_dim_invalid', `the graph computes ${n} rows of "probs" from ${p} input rows`);
  });
  if (meter) meter.foldedWithin(initializerBytes);

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
    runtime,
    ...(meter ? { cost: meter.cost() } : {}),
  };
}
