import { F } from './onnx-field-numbers';
import { OnnxFormatError } from './onnx-format-error';
import type {
  AttributeProto,
  FunctionProto,
  GraphProto,
  ModelProto,
  NodeProto,
  OperatorSetIdProto,
  SparseTensorProto,
  StringStringEntryProto,
  TensorProto,
  TensorShapeDimension,
  TypeProto,
  TypeProtoTensor,
  ValueInfoProto,
} from './onnx-types';
import { JS_OBJECT_BYTES, JS_VALUE_BYTES, ProtoReader } from './protobuf-reader';
import { WireType } from './protobuf-writer';

const { VARINT, FIXED32, FIXED64, LENGTH_DELIMITED: LEN } = WireType;

export interface DecodeOptions {
  /** Maximum message nesting; default 64 (see protobuf-reader). */
  maxDepth?: number;
  /** Most sub-messages the decode may create; default unlimited (trusted input). */
  maxMessages?: number;
  /** Most bytes of memory its repeated fields (dims, ints, strings, typed tensor data) may take,
   * charged before each allocation; default unlimited. */
  maxBytes?: number;
}

/**
 * A known singular field (or a second member of a oneof) given twice in one message. Protobuf
 * lets the last scalar win, merges a sub-message given twice and keeps a oneof's last member,
 * which is how ONNX Runtime reads the file; refusing it means no file reads one way here and
 * another way there.
 */
export class RepeatedFieldError extends OnnxFormatError {
  constructor(what: string) {
    super('onnx_malformed', `${what} appears more than once`);
  }
}

/** Field → bit of the singular fields of one message type; oneof members share their first's bit. */
type SingularFields = ReadonlyMap<number, number>;

function singular(fields: Readonly<Record<string, number>>, repeated: readonly number[], oneof: readonly number[] = []): SingularFields {
  const bits = new Map<number, number>();
  for (const f of Object.values(fields)) if (!repeated.includes(f)) bits.set(f, 1 << f);
  for (const f of oneof) bits.set(f, 1 << oneof[0]!);
  return bits;
}

/** onnx.proto's TypeProto.opaque_type: never read here, but a member of the value oneof. */
const OPAQUE_TYPE = 7;

const ONCE = {
  model: singular(F.Model, [F.Model.opsetImport, F.Model.metadataProps, F.Model.trainingInfo, F.Model.functions]),
  opset: singular(F.OperatorSetId, []),
  entry: singular(F.StringStringEntry, []),
  graph: singular(F.Graph, [F.Graph.node, F.Graph.initializer, F.Graph.input, F.Graph.output, F.Graph.valueInfo, F.Graph.sparseInitializer]),
  node: singular(F.Node, [F.Node.input, F.Node.output, F.Node.attribute]),
  attribute: singular(F.Attribute, [F.Attribute.floats, F.Attribute.ints, F.Attribute.strings, F.Attribute.tensors, F.Attribute.graphs]),
  tensor: singular(F.Tensor, [F.Tensor.dims, F.Tensor.floatData, F.Tensor.int32Data, F.Tensor.stringData, F.Tensor.int64Data, F.Tensor.doubleData, F.Tensor.uint64Data, F.Tensor.externalData]),
  sparse: singular(F.SparseTensor, [F.SparseTensor.dims]),
  valueInfo: singular(F.ValueInfo, []),
  type: singular(F.Type, [], [F.Type.tensorType, F.Type.sequenceType, F.Type.mapType, OPAQUE_TYPE, F.Type.sparseTensorType, F.Type.optionalType]),
  tensorType: singular(F.TypeTensor, []),
  wrapped: singular(F.TypeSequence, []),
  map: singular(F.TypeMap, []),
  dimension: singular(F.Dimension, [], [F.Dimension.dimValue, F.Dimension.dimParam]),
  function: singular(F.Function, [F.Function.input, F.Function.output, F.Function.attribute, F.Function.node, F.Function.opsetImport]),
} as const;

/** The tag of each field of one message, refusing a singular field seen before in it. */
function fieldsOf(r: ProtoReader, fields: SingularFields, what: string): () => { field: number; wireType: number } {
  let seen = 0;
  return () => {
    const tag = r.tag();
    const bit = fields.get(tag.field);
    if (bit !== undefined) {
      if (seen & bit) throw new RepeatedFieldError(`${what} field ${tag.field}`);
      seen |= bit;
    }
    return tag;
  };
}

/**
 * Bytes → ModelProto. Unknown fields are skipped; a known field with the wrong wire type, a
 * repeated singular field, a length past the end or nesting past maxDepth throws OnnxFormatError.
 * Repeated fields are always present (possibly empty) in the result.
 */
export function decodeModel(bytes: Uint8Array, options: DecodeOptions = {}): ModelProto {
  const budget = { messages: options.maxMessages ?? Infinity, bytes: options.maxBytes ?? Infinity };
  const r = new ProtoReader(bytes, 0, bytes.length, 0, options.maxDepth, budget);
  const m: ModelProto = { irVersion: 0, opsetImport: [], metadataProps: [], trainingInfo: [], functions: [] };
  const next = fieldsOf(r, ONCE.model, 'model');
  while (!r.eof()) {
    const { field, wireType: wt } = next();
    switch (field) {
      case F.Model.irVersion: r.expect(wt, VARINT, 'ir_version'); m.irVersion = r.int64(); break;
      case F.Model.producerName: r.expect(wt, LEN, 'producer_name'); m.producerName = r.string(); break;
      case F.Model.producerVersion: r.expect(wt, LEN, 'producer_version'); m.producerVersion = r.string(); break;
      case F.Model.domain: r.expect(wt, LEN, 'domain'); m.domain = r.string(); break;
      case F.Model.modelVersion: r.expect(wt, VARINT, 'model_version'); m.modelVersion = r.int64(); break;
      case F.Model.docString: r.expect(wt, LEN, 'doc_string'); m.docString = r.string(); break;
      case F.Model.graph: r.expect(wt, LEN, 'graph'); m.graph = readGraph(r.message()); break;
      case F.Model.opsetImport: r.expect(wt, LEN, 'opset_import'); m.opsetImport.push(readOpset(r.message())); break;
      case F.Model.metadataProps: r.expect(wt, LEN, 'metadata_props'); m.metadataProps!.push(readEntry(r.message())); break;
      case F.Model.trainingInfo: r.expect(wt, LEN, 'training_info'); r.spend(JS_OBJECT_BYTES); m.trainingInfo!.push(r.bytes()); break;
      case F.Model.functions: r.expect(wt, LEN, 'functions'); m.functions!.push(readFunction(r.message())); break;
      default: r.skip(wt);
    }
  }
  return m;
}

function readOpset(r: ProtoReader): OperatorSetIdProto {
  const o: OperatorSetIdProto = { domain: '', version: 0 };
  const next = fieldsOf(r, ONCE.opset, 'opset_import');
  while (!r.eof()) {
    const { field, wireType: wt } = next();
    if (field === F.OperatorSetId.domain) { r.expect(wt, LEN, 'opset domain'); o.domain = r.string(); }
    else if (field === F.OperatorSetId.version) { r.expect(wt, VARINT, 'opset version'); o.version = r.int64(); }
    else r.skip(wt);
  }
  return o;
}

function readEntry(r: ProtoReader): StringStringEntryProto {
  const e: StringStringEntryProto = { key: '', value: '' };
  const next = fieldsOf(r, ONCE.entry, 'string entry');
  while (!r.eof()) {
    const { field, wireType: wt } = next();
    if (field === F.StringStringEntry.key) { r.expect(wt, LEN, 'key'); e.key = r.string(); }
    else if (field === F.StringStringEntry.value) { r.expect(wt, LEN, 'value'); e.value = r.string(); }
    else r.skip(wt);
  }
  return e;
}

function readGraph(r: ProtoReader): GraphProto {
  const g: GraphProto = { node: [], name: '', initializer: [], sparseInitializer: [], input: [], output: [], valueInfo: [] };
  const next = fieldsOf(r, ONCE.graph, 'graph');
  while (!r.eof()) {
    const { field, wireType: wt } = next();
    switch (field) {
      case F.Graph.node: r.expect(wt, LEN, 'node'); g.node.push(readNode(r.message())); break;
      case F.Graph.name: r.expect(wt, LEN, 'graph name'); g.name = r.string(); break;
      case F.Graph.initializer: r.expect(wt, LEN, 'initializer'); g.initializer!.push(readTensor(r.message())); break;
      case F.Graph.docString: r.expect(wt, LEN, 'graph doc_string'); g.docString = r.string(); break;
      case F.Graph.input: r.expect(wt, LEN, 'input'); g.input.push(readValueInfo(r.message())); break;
      case F.Graph.output: r.expect(wt, LEN, 'output'); g.output.push(readValueInfo(r.message())); break;
      case F.Graph.valueInfo: r.expect(wt, LEN, 'value_info'); g.valueInfo!.push(readValueInfo(r.message())); break;
      case F.Graph.sparseInitializer: r.expect(wt, LEN, 'sparse_initializer'); g.sparseInitializer!.push(readSparse(r.message())); break;
      default: r.skip(wt);
    }
  }
  return g;
}

function readNode(r: ProtoReader): NodeProto {
  const n: NodeProto = { input: [], output: [], opType: '', attribute: [] };
  const next = fieldsOf(r, ONCE.node, 'node');
  while (!r.eof()) {
    const { field, wireType: wt } = next();
    switch (field) {
      case F.Node.input: r.expect(wt, LEN, 'node input'); r.spend(JS_OBJECT_BYTES); n.input.push(r.string()); break;
      case F.Node.output: r.expect(wt, LEN, 'node output'); r.spend(JS_OBJECT_BYTES); n.output.push(r.string()); break;
      case F.Node.name: r.expect(wt, LEN, 'node name'); n.name = r.string(); break;
      case F.Node.opType: r.expect(wt, LEN, 'op_type'); n.opType = r.string(); break;
      case F.Node.attribute: r.expect(wt, LEN, 'attribute'); n.attribute!.push(readAttribute(r.message())); break;
      case F.Node.docString: r.expect(wt, LEN, 'node doc_string'); n.docString = r.string(); break;
      case F.Node.domain: r.expect(wt, LEN, 'node domain'); n.domain = r.string(); break;
      default: r.skip(wt);
    }
  }
  return n;
}

function readAttribute(r: ProtoReader): AttributeProto {
  const a: AttributeProto = { name: '', type: 0 };
  const floats: number[] = [];
  const ints: number[] = [];
  const strings: Uint8Array[] = [];
  const tensors: TensorProto[] = [];
  const graphs: GraphProto[] = [];
  const next = fieldsOf(r, ONCE.attribute, 'attribute');
  while (!r.eof()) {
    const { field, wireType: wt } = next();
    switch (field) {
      case F.Attribute.name: r.expect(wt, LEN, 'attribute name'); a.name = r.string(); break;
      case F.Attribute.f: r.expect(wt, FIXED32, 'attribute f'); a.f = r.float32(); break;
      case F.Attribute.i: r.expect(wt, VARINT, 'attribute i'); a.i = r.int64(); break;
      case F.Attribute.s: r.expect(wt, LEN, 'attribute s'); a.s = r.bytes(); break;
      case F.Attribute.t: r.expect(wt, LEN, 'attribute t'); a.t = readTensor(r.message()); break;
      case F.Attribute.g: r.expect(wt, LEN, 'attribute g'); a.g = readGraph(r.message()); break;
      case F.Attribute.floats: r.repeated(wt, FIXED32, (x) => x.float32(), floats, 'floats'); break;
      case F.Attribute.ints: r.repeated(wt, VARINT, (x) => x.int64(), ints, 'ints'); break;
      case F.Attribute.strings: r.expect(wt, LEN, 'strings'); r.spend(JS_OBJECT_BYTES); strings.push(r.bytes()); break;
      case F.Attribute.tensors: r.expect(wt, LEN, 'tensors'); tensors.push(readTensor(r.message())); break;
      case F.Attribute.graphs: r.expect(wt, LEN, 'graphs'); graphs.push(readGraph(r.message())); break;
      case F.Attribute.docString: r.expect(wt, LEN, 'attribute doc_string'); a.docString = r.string(); break;
      case F.Attribute.type: r.expect(wt, VARINT, 'attribute type'); a.type = r.int32(); break;
      case F.Attribute.refAttrName: r.expect(wt, LEN, 'ref_attr_name'); a.refAttrName = r.string(); break;
      default: r.skip(wt);
    }
  }
  if (floats.length) a.floats = floats;
  if (ints.length) a.ints = ints;
  if (strings.length) a.strings = strings;
  if (tensors.length) a.tensors = tensors;
  if (graphs.length) a.graphs = graphs;
  return a;
}

type TypedData = Float32Array | Float64Array | Int32Array | BigInt64Array | BigUint64Array;
type TypedDataType<T extends TypedData> = { new (length: number): T; readonly BYTES_PER_ELEMENT: number };

/** One repeated numeric field of a tensor in wire order: packed runs as typed arrays, unpacked
 * elements (old proto2 writers) gathered as plain values, each charged as the JS value it is. */
class DataParts<T extends TypedData> {
  private readonly parts: ArrayLike<T[number]>[] = [];

  constructor(private readonly Type: TypedDataType<T>) {}

  packed(run: T): void {
    this.parts.push(run);
  }

  one(r: ProtoReader, value: T[number]): void {
    r.spend(JS_VALUE_BYTES);
    const last = this.parts.at(-1);
    if (Array.isArray(last)) last.push(value);
    else this.parts.push([value]);
  }

  /** The field's elements as one typed array; joining several parts is a new allocation, charged first. */
  joined(r: ProtoReader): T | undefined {
    const [first] = this.parts;
    if (!first) return undefined;
    if (this.parts.length === 1 && first instanceof this.Type) return first;
    const length = this.parts.reduce((n, p) => n + p.length, 0);
    r.spend(length * this.Type.BYTES_PER_ELEMENT);
    const out = new this.Type(length);
    let at = 0;
    for (const p of this.parts) {
      (out as unknown as { set(a: ArrayLike<T[number]>, o: number): void }).set(p, at);
      at += p.length;
    }
    return out;
  }
}

function readTensor(r: ProtoReader): TensorProto {
  const t: TensorProto = { dims: [], dataType: 0 };
  const floats = new DataParts<Float32Array>(Float32Array);
  const int32s = new DataParts<Int32Array>(Int32Array);
  const int64s = new DataParts<BigInt64Array>(BigInt64Array);
  const doubles = new DataParts<Float64Array>(Float64Array);
  const uint64s = new DataParts<BigUint64Array>(BigUint64Array);
  const strings: Uint8Array[] = [];
  const external: StringStringEntryProto[] = [];
  const next = fieldsOf(r, ONCE.tensor, 'tensor');
  while (!r.eof()) {
    const { field, wireType: wt } = next();
    switch (field) {
      case F.Tensor.dims: r.repeated(wt, VARINT, (x) => x.int64(), t.dims, 'dims'); break;
      case F.Tensor.dataType: r.expect(wt, VARINT, 'data_type'); t.dataType = r.int32(); break;
      case F.Tensor.floatData:
        if (wt === LEN) floats.packed(r.packedFloat32('float_data'));
        else { r.expect(wt, FIXED32, 'float_data'); floats.one(r, r.float32()); }
        break;
      case F.Tensor.int32Data:
        if (wt === LEN) int32s.packed(r.packedVarints('int32_data', Int32Array, (x) => x.int32()));
        else { r.expect(wt, VARINT, 'int32_data'); int32s.one(r, r.int32()); }
        break;
      case F.Tensor.stringData: r.expect(wt, LEN, 'string_data'); r.spend(JS_OBJECT_BYTES); strings.push(r.bytes()); break;
      case F.Tensor.int64Data:
        if (wt === LEN) int64s.packed(r.packedVarints('int64_data', BigInt64Array, (x) => x.int64Big()));
        else { r.expect(wt, VARINT, 'int64_data'); int64s.one(r, r.int64Big()); }
        break;
      case F.Tensor.name: r.expect(wt, LEN, 'tensor name'); t.name = r.string(); break;
      case F.Tensor.rawData: r.expect(wt, LEN, 'raw_data'); t.rawData = r.bytes(); break;
      case F.Tensor.doubleData:
        if (wt === LEN) doubles.packed(r.packedFloat64('double_data'));
        else { r.expect(wt, FIXED64, 'double_data'); doubles.one(r, r.float64()); }
        break;
      case F.Tensor.uint64Data:
        if (wt === LEN) uint64s.packed(r.packedVarints('uint64_data', BigUint64Array, (x) => x.uint64Big()));
        else { r.expect(wt, VARINT, 'uint64_data'); uint64s.one(r, r.uint64Big()); }
        break;
      case F.Tensor.docString: r.expect(wt, LEN, 'tensor doc_string'); t.docString = r.string(); break;
      case F.Tensor.externalData: r.expect(wt, LEN, 'external_data'); external.push(readEntry(r.message())); break;
      case F.Tensor.dataLocation: r.expect(wt, VARINT, 'data_location'); t.dataLocation = r.int32(); break;
      default: r.skip(wt);
    }
  }
  const floatData = floats.joined(r);
  if (floatData?.length) t.floatData = floatData;
  const int32Data = int32s.joined(r);
  if (int32Data?.length) t.int32Data = int32Data;
  const int64Data = int64s.joined(r);
  if (int64Data?.length) t.int64Data = int64Data;
  const doubleData = doubles.joined(r);
  if (doubleData?.length) t.doubleData = doubleData;
  const uint64Data = uint64s.joined(r);
  if (uint64Data?.length) t.uint64Data = uint64Data;
  if (strings.length) t.stringData = strings;
  if (external.length) t.externalData = external;
  return t;
}

function readSparse(r: ProtoReader): SparseTensorProto {
  const s: SparseTensorProto = { dims: [] };
  const next = fieldsOf(r, ONCE.sparse, 'sparse tensor');
  while (!r.eof()) {
    const { field, wireType: wt } = next();
    if (field === F.SparseTensor.values) { r.expect(wt, LEN, 'sparse values'); s.values = readTensor(r.message()); }
    else if (field === F.SparseTensor.indices) { r.expect(wt, LEN, 'sparse indices'); s.indices = readTensor(r.message()); }
    else if (field === F.SparseTensor.dims) r.repeated(wt, VARINT, (x) => x.int64(), s.dims, 'sparse dims');
    else r.skip(wt);
  }
  return s;
}

function readValueInfo(r: ProtoReader): ValueInfoProto {
  const v: ValueInfoProto = { name: '' };
  const next = fieldsOf(r, ONCE.valueInfo, 'value_info');
  while (!r.eof()) {
    const { field, wireType: wt } = next();
    if (field === F.ValueInfo.name) { r.expect(wt, LEN, 'value name'); v.name = r.string(); }
    else if (field === F.ValueInfo.type) { r.expect(wt, LEN, 'value type'); v.type = readType(r.message()); }
    else if (field === F.ValueInfo.docString) { r.expect(wt, LEN, 'value doc_string'); v.docString = r.string(); }
    else r.skip(wt);
  }
  return v;
}

function readType(r: ProtoReader): TypeProto {
  const t: TypeProto = {};
  const next = fieldsOf(r, ONCE.type, 'type');
  while (!r.eof()) {
    const { field, wireType: wt } = next();
    switch (field) {
      case F.Type.tensorType: r.expect(wt, LEN, 'tensor_type'); t.tensorType = readTensorType(r.message()); break;
      case F.Type.sparseTensorType: r.expect(wt, LEN, 'sparse_tensor_type'); t.sparseTensorType = readTensorType(r.message()); break;
      case F.Type.sequenceType: r.expect(wt, LEN, 'sequence_type'); t.sequenceType = { elemType: readWrapped(r.message(), F.TypeSequence.elemType) }; break;
      case F.Type.optionalType: r.expect(wt, LEN, 'optional_type'); t.optionalType = { elemType: readWrapped(r.message(), F.TypeOptional.elemType) }; break;
      case F.Type.mapType: r.expect(wt, LEN, 'map_type'); t.mapType = readMapType(r.message()); break;
      case F.Type.denotation: r.expect(wt, LEN, 'denotation'); t.denotation = r.string(); break;
      default: r.skip(wt);
    }
  }
  return t;
}

function readWrapped(r: ProtoReader, elemField: number): TypeProto | undefined {
  let elem: TypeProto | undefined;
  const next = fieldsOf(r, ONCE.wrapped, 'elem_type');
  while (!r.eof()) {
    const { field, wireType: wt } = next();
    if (field === elemField) { r.expect(wt, LEN, 'elem_type'); elem = readType(r.message()); }
    else r.skip(wt);
  }
  return elem;
}

function readMapType(r: ProtoReader): { keyType: number; valueType?: TypeProto } {
  const m: { keyType: number; valueType?: TypeProto } = { keyType: 0 };
  const next = fieldsOf(r, ONCE.map, 'map type');
  while (!r.eof()) {
    const { field, wireType: wt } = next();
    if (field === F.TypeMap.keyType) { r.expect(wt, VARINT, 'key_type'); m.keyType = r.int32(); }
    else if (field === F.TypeMap.valueType) { r.expect(wt, LEN, 'value_type'); m.valueType = readType(r.message()); }
    else r.skip(wt);
  }
  return m;
}

function readTensorType(r: ProtoReader): TypeProtoTensor {
  const t: TypeProtoTensor = { elemType: 0 };
  const next = fieldsOf(r, ONCE.tensorType, 'tensor_type');
  while (!r.eof()) {
    const { field, wireType: wt } = next();
    if (field === F.TypeTensor.elemType) { r.expect(wt, VARINT, 'elem_type'); t.elemType = r.int32(); }
    else if (field === F.TypeTensor.shape) {
      r.expect(wt, LEN, 'shape');
      const s = r.message();
      const dim: TensorShapeDimension[] = [];
      while (!s.eof()) {
        const tag = s.tag();
        if (tag.field === F.TensorShape.dim) { s.expect(tag.wireType, LEN, 'dim'); dim.push(readDimension(s.message())); }
        else s.skip(tag.wireType);
      }
      t.shape = { dim };
    } else r.skip(wt);
  }
  return t;
}

function readDimension(r: ProtoReader): TensorShapeDimension {
  const d: TensorShapeDimension = {};
  const next = fieldsOf(r, ONCE.dimension, 'dimension');
  while (!r.eof()) {
    const { field, wireType: wt } = next();
    if (field === F.Dimension.dimValue) { r.expect(wt, VARINT, 'dim_value'); d.dimValue = r.int64(); }
    else if (field === F.Dimension.dimParam) { r.expect(wt, LEN, 'dim_param'); d.dimParam = r.string(); }
    else if (field === F.Dimension.denotation) { r.expect(wt, LEN, 'dim denotation'); d.denotation = r.string(); }
    else r.skip(wt);
  }
  return d;
}

function readFunction(r: ProtoReader): FunctionProto {
  const fn: FunctionProto = { name: '', input: [], output: [], attribute: [], node: [], opsetImport: [], domain: '' };
  const next = fieldsOf(r, ONCE.function, 'function');
  while (!r.eof()) {
    const { field, wireType: wt } = next();
    switch (field) {
      case F.Function.name: r.expect(wt, LEN, 'function name'); fn.name = r.string(); break;
      case F.Function.input: r.expect(wt, LEN, 'function input'); r.spend(JS_OBJECT_BYTES); fn.input.push(r.string()); break;
      case F.Function.output: r.expect(wt, LEN, 'function output'); r.spend(JS_OBJECT_BYTES); fn.output.push(r.string()); break;
      case F.Function.attribute: r.expect(wt, LEN, 'function attribute'); r.spend(JS_OBJECT_BYTES); fn.attribute.push(r.string()); break;
      case F.Function.node: r.expect(wt, LEN, 'function node'); fn.node.push(readNode(r.message())); break;
      case F.Function.docString: r.expect(wt, LEN, 'function doc_string'); fn.docString = r.string(); break;
      case F.Function.opsetImport: r.expect(wt, LEN, 'function opset_import'); fn.opsetImport.push(readOpset(r.message())); break;
      case F.Function.domain: r.expect(wt, LEN, 'function domain'); fn.domain = r.string(); break;
      default: r.skip(wt);
    }
  }
  return fn;
}
