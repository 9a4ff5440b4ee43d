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
import { ProtoReader } from './protobuf-reader';
import { WireType } from './protobuf-writer';

const { VARINT, FIXED32, FIXED64, LENGTH_DELIMITED: LEN } = WireType;

export interface DecodeOptions {
  /** Maximum message nesting; default 64 (see protobuf-reader). */
  maxDepth?: number;
  /** Most sub-messages the decode may create; default unlimited (trusted input). */
  maxMessages?: number;
  /** Most repeated-field elements (dims, ints, typed tensor data) it may create; default unlimited. */
  maxElements?: number;
}

/**
 * Bytes → ModelProto. Unknown fields are skipped; a known field with the wrong wire type, a
 * length past the end or nesting past maxDepth throws OnnxFormatError. Repeated fields are
 * always present (possibly empty) in the result.
 */
export function decodeModel(bytes: Uint8Array, options: DecodeOptions = {}): ModelProto {
  const budget = { messages: options.maxMessages ?? Infinity, elements: options.maxElements ?? Infinity };
  const r = new ProtoReader(bytes, 0, bytes.length, 0, options.maxDepth, budget);
  const m: ModelProto = { irVersion: 0, opsetImport: [], metadataProps: [], trainingInfo: [], functions: [] };
  while (!r.eof()) {
    const { field, wireType: wt } = r.tag();
    switch (field) {
      case F.Model.irVersion: r.expect(wt, VARINT, 'ir_version'); m.irVersion = r.int64(); break;
      case F.Model.producerName: r.expect(wt, LEN, 'producer_name'); m.producerName = r.string(); break;
      case F.Model.producerVersion: r.expect(wt, LEN, 'producer_version'); m.producerVersion = r.string(); break;
      case F.Model.domain: r.expect(wt, LEN, 'domain'); m.domain = r.string(); break;
      case F.Model.modelVersion: r.expect(wt, VARINT, 'model_version'); m.modelVersion = r.int64(); break;
      case F.Model.docString: r.expect(wt, LEN, 'doc_string'); m.docString = r.string(); break;
      // A repeated occurrence of an optional message merges in protobuf; ONNX writers never do it, so refuse.
      case F.Model.graph: r.expect(wt, LEN, 'graph'); if (m.graph) throw dup('graph'); m.graph = readGraph(r.message()); break;
      case F.Model.opsetImport: r.expect(wt, LEN, 'opset_import'); m.opsetImport.push(readOpset(r.message())); break;
      case F.Model.metadataProps: r.expect(wt, LEN, 'metadata_props'); m.metadataProps!.push(readEntry(r.message())); break;
      case F.Model.trainingInfo: r.expect(wt, LEN, 'training_info'); m.trainingInfo!.push(r.bytes()); break;
      case F.Model.functions: r.expect(wt, LEN, 'functions'); m.functions!.push(readFunction(r.message())); break;
      default: r.skip(wt);
    }
  }
  return m;
}

function dup(what: string): OnnxFormatError {
  return new OnnxFormatError('onnx_malformed', `${what} appears more than once`);
}

function readOpset(r: ProtoReader): OperatorSetIdProto {
  const o: OperatorSetIdProto = { domain: '', version: 0 };
  while (!r.eof()) {
    const { field, wireType: wt } = r.tag();
    if (field === F.OperatorSetId.domain) { r.expect(wt, LEN, 'opset domain'); o.domain = r.string(); }
    else if (field === F.OperatorSetId.version) { r.expect(wt, VARINT, 'opset version'); o.version = r.int64(); }
    else r.skip(wt);
  }
  return o;
}

function readEntry(r: ProtoReader): StringStringEntryProto {
  const e: StringStringEntryProto = { key: '', value: '' };
  while (!r.eof()) {
    const { field, wireType: wt } = r.tag();
    if (field === F.StringStringEntry.key) { r.expect(wt, LEN, 'key'); e.key = r.string(); }
    else if (field === F.StringStringEntry.value) { r.expect(wt, LEN, 'value'); e.value = r.string(); }
    else r.skip(wt);
  }
  return e;
}

function readGraph(r: ProtoReader): GraphProto {
  const g: GraphProto = { node: [], name: '', initializer: [], sparseInitializer: [], input: [], output: [], valueInfo: [] };
  while (!r.eof()) {
    const { field, wireType: wt } = r.tag();
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
  while (!r.eof()) {
    const { field, wireType: wt } = r.tag();
    switch (field) {
      case F.Node.input: r.expect(wt, LEN, 'node input'); r.spend(1); n.input.push(r.string()); break;
      case F.Node.output: r.expect(wt, LEN, 'node output'); r.spend(1); n.output.push(r.string()); break;
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
  while (!r.eof()) {
    const { field, wireType: wt } = r.tag();
    switch (field) {
      case F.Attribute.name: r.expect(wt, LEN, 'attribute name'); a.name = r.string(); break;
      case F.Attribute.f: r.expect(wt, FIXED32, 'attribute f'); a.f = r.float32(); break;
      case F.Attribute.i: r.expect(wt, VARINT, 'attribute i'); a.i = r.int64(); break;
      case F.Attribute.s: r.expect(wt, LEN, 'attribute s'); a.s = r.bytes(); break;
      case F.Attribute.t: r.expect(wt, LEN, 'attribute t'); a.t = readTensor(r.message()); break;
      case F.Attribute.g: r.expect(wt, LEN, 'attribute g'); a.g = readGraph(r.message()); break;
      case F.Attribute.floats: r.repeated(wt, FIXED32, (x) => x.float32(), floats, 'floats'); break;
      case F.Attribute.ints: r.repeated(wt, VARINT, (x) => x.int64(), ints, 'ints'); break;
      case F.Attribute.strings: r.expect(wt, LEN, 'strings'); r.spend(1); strings.push(r.bytes()); break;
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

/** Joins the packed runs and loose (unpacked) elements of one repeated field, in wire order. */
function joined<T extends Float32Array | Float64Array | Int32Array | BigInt64Array | BigUint64Array>(
  parts: T[],
  make: (n: number) => T,
): T | undefined {
  if (parts.length === 0) return undefined;
  if (parts.length === 1) return parts[0];
  const out = make(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    (out as unknown as { set(a: T, o: number): void }).set(p, at);
    at += p.length;
  }
  return out;
}

function readTensor(r: ProtoReader): TensorProto {
  const t: TensorProto = { dims: [], dataType: 0 };
  const floats: Float32Array[] = [];
  const int32s: Int32Array[] = [];
  const int64s: BigInt64Array[] = [];
  const doubles: Float64Array[] = [];
  const uint64s: BigUint64Array[] = [];
  const strings: Uint8Array[] = [];
  const external: StringStringEntryProto[] = [];
  // Unpacked elements (old proto2 writers) arrive one per tag; each becomes a length-1 part.
  const one = (wt: number, expected: number, what: string): void => {
    r.expect(wt, expected, what);
    r.spend(1);
  };
  while (!r.eof()) {
    const { field, wireType: wt } = r.tag();
    switch (field) {
      case F.Tensor.dims: r.repeated(wt, VARINT, (x) => x.int64(), t.dims, 'dims'); break;
      case F.Tensor.dataType: r.expect(wt, VARINT, 'data_type'); t.dataType = r.int32(); break;
      case F.Tensor.floatData:
        if (wt === LEN) floats.push(r.packedFloat32('float_data'));
        else { one(wt, FIXED32, 'float_data'); floats.push(Float32Array.of(r.float32())); }
        break;
      case F.Tensor.int32Data:
        if (wt === LEN) int32s.push(r.packedVarints('int32_data', (n) => new Int32Array(n), (x) => x.int32()));
        else { one(wt, VARINT, 'int32_data'); int32s.push(Int32Array.of(r.int32())); }
        break;
      case F.Tensor.stringData: r.expect(wt, LEN, 'string_data'); r.spend(1); strings.push(r.bytes()); break;
      case F.Tensor.int64Data:
        if (wt === LEN) int64s.push(r.packedVarints('int64_data', (n) => new BigInt64Array(n), (x) => x.int64Big()));
        else { one(wt, VARINT, 'int64_data'); int64s.push(BigInt64Array.of(r.int64Big())); }
        break;
      case F.Tensor.name: r.expect(wt, LEN, 'tensor name'); t.name = r.string(); break;
      case F.Tensor.rawData: r.expect(wt, LEN, 'raw_data'); t.rawData = r.bytes(); break;
      case F.Tensor.doubleData:
        if (wt === LEN) doubles.push(r.packedFloat64('double_data'));
        else { one(wt, FIXED64, 'double_data'); doubles.push(Float64Array.of(r.float64())); }
        break;
      case F.Tensor.uint64Data:
        if (wt === LEN) uint64s.push(r.packedVarints('uint64_data', (n) => new BigUint64Array(n), (x) => x.uint64Big()));
        else { one(wt, VARINT, 'uint64_data'); uint64s.push(BigUint64Array.of(r.uint64Big())); }
        break;
      case F.Tensor.docString: r.expect(wt, LEN, 'tensor doc_string'); t.docString = r.string(); break;
      case F.Tensor.externalData: r.expect(wt, LEN, 'external_data'); external.push(readEntry(r.message())); break;
      case F.Tensor.dataLocation: r.expect(wt, VARINT, 'data_location'); t.dataLocation = r.int32(); break;
      default: r.skip(wt);
    }
  }
  const floatData = joined(floats, (n) => new Float32Array(n));
  if (floatData?.length) t.floatData = floatData;
  const int32Data = joined(int32s, (n) => new Int32Array(n));
  if (int32Data?.length) t.int32Data = int32Data;
  const int64Data = joined(int64s, (n) => new BigInt64Array(n));
  if (int64Data?.length) t.int64Data = int64Data;
  const doubleData = joined(doubles, (n) => new Float64Array(n));
  if (doubleData?.length) t.doubleData = doubleData;
  const uint64Data = joined(uint64s, (n) => new BigUint64Array(n));
  if (uint64Data?.length) t.uint64Data = uint64Data;
  if (strings.length) t.stringData = strings;
  if (external.length) t.externalData = external;
  return t;
}

function readSparse(r: ProtoReader): SparseTensorProto {
  const s: SparseTensorProto = { dims: [] };
  while (!r.eof()) {
    const { field, wireType: wt } = r.tag();
    if (field === F.SparseTensor.values) { r.expect(wt, LEN, 'sparse values'); s.values = readTensor(r.message()); }
    else if (field === F.SparseTensor.indices) { r.expect(wt, LEN, 'sparse indices'); s.indices = readTensor(r.message()); }
    else if (field === F.SparseTensor.dims) r.repeated(wt, VARINT, (x) => x.int64(), s.dims, 'sparse dims');
    else r.skip(wt);
  }
  return s;
}

function readValueInfo(r: ProtoReader): ValueInfoProto {
  const v: ValueInfoProto = { name: '' };
  while (!r.eof()) {
    const { field, wireType: wt } = r.tag();
    if (field === F.ValueInfo.name) { r.expect(wt, LEN, 'value name'); v.name = r.string(); }
    else if (field === F.ValueInfo.type) { r.expect(wt, LEN, 'value type'); v.type = readType(r.message()); }
    else if (field === F.ValueInfo.docString) { r.expect(wt, LEN, 'value doc_string'); v.docString = r.string(); }
    else r.skip(wt);
  }
  return v;
}

function readType(r: ProtoReader): TypeProto {
  const t: TypeProto = {};
  while (!r.eof()) {
    const { field, wireType: wt } = r.tag();
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
  while (!r.eof()) {
    const { field, wireType: wt } = r.tag();
    if (field === elemField) { r.expect(wt, LEN, 'elem_type'); elem = readType(r.message()); }
    else r.skip(wt);
  }
  return elem;
}

function readMapType(r: ProtoReader): { keyType: number; valueType?: TypeProto } {
  const m: { keyType: number; valueType?: TypeProto } = { keyType: 0 };
  while (!r.eof()) {
    const { field, wireType: wt } = r.tag();
    if (field === F.TypeMap.keyType) { r.expect(wt, VARINT, 'key_type'); m.keyType = r.int32(); }
    else if (field === F.TypeMap.valueType) { r.expect(wt, LEN, 'value_type'); m.valueType = readType(r.message()); }
    else r.skip(wt);
  }
  return m;
}

function readTensorType(r: ProtoReader): TypeProtoTensor {
  const t: TypeProtoTensor = { elemType: 0 };
  while (!r.eof()) {
    const { field, wireType: wt } = r.tag();
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
  while (!r.eof()) {
    const { field, wireType: wt } = r.tag();
    if (field === F.Dimension.dimValue) { r.expect(wt, VARINT, 'dim_value'); d.dimValue = r.int64(); }
    else if (field === F.Dimension.dimParam) { r.expect(wt, LEN, 'dim_param'); d.dimParam = r.string(); }
    else if (field === F.Dimension.denotation) { r.expect(wt, LEN, 'dim denotation'); d.denotation = r.string(); }
    else r.skip(wt);
  }
  return d;
}

function readFunction(r: ProtoReader): FunctionProto {
  const fn: FunctionProto = { name: '', input: [], output: [], attribute: [], node: [], opsetImport: [], domain: '' };
  while (!r.eof()) {
    const { field, wireType: wt } = r.tag();
    switch (field) {
      case F.Function.name: r.expect(wt, LEN, 'function name'); fn.name = r.string(); break;
      case F.Function.input: r.expect(wt, LEN, 'function input'); fn.input.push(r.string()); break;
      case F.Function.output: r.expect(wt, LEN, 'function output'); fn.output.push(r.string()); break;
      case F.Function.attribute: r.expect(wt, LEN, 'function attribute'); fn.attribute.push(r.string()); break;
      case F.Function.node: r.expect(wt, LEN, 'function node'); fn.node.push(readNode(r.message())); break;
      case F.Function.docString: r.expect(wt, LEN, 'function doc_string'); fn.docString = r.string(); break;
      case F.Function.opsetImport: r.expect(wt, LEN, 'function opset_import'); fn.opsetImport.push(readOpset(r.message())); break;
      case F.Function.domain: r.expect(wt, LEN, 'function domain'); fn.domain = r.string(); break;
      default: r.skip(wt);
    }
  }
  return fn;
}
