import { DataType } from './onnx-enums';
import { F } from './onnx-field-numbers';
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
  TypeProto,
  TypeProtoTensor,
  ValueInfoProto,
} from './onnx-types';
import { ProtoWriter } from './protobuf-writer';

export interface EncodeOptions {
  /**
   * Move float_data / int32_data / int64_data of FLOAT / INT32 / INT64 tensors into raw_data
   * (little-endian). Default true: raw_data is what ORT loads fastest and is half the size of
   * varint-packed int64. Tests turn it off to produce the typed encodings.
   */
  typedDataAsRaw?: boolean;
}

/**
 * ModelProto → bytes. Deterministic: fields are written in field-number order and repeated
 * fields in array order, so equal input gives equal bytes (content hashes stay stable).
 */
export function encodeModel(model: ModelProto, options: EncodeOptions = {}): Uint8Array {
  const raw = options.typedDataAsRaw ?? true;
  const w = new ProtoWriter(1024);
  w.varintField(F.Model.irVersion, model.irVersion);
  if (model.producerName !== undefined) w.stringField(F.Model.producerName, model.producerName);
  if (model.producerVersion !== undefined) w.stringField(F.Model.producerVersion, model.producerVersion);
  if (model.domain !== undefined) w.stringField(F.Model.domain, model.domain);
  if (model.modelVersion !== undefined) w.varintField(F.Model.modelVersion, model.modelVersion);
  if (model.docString !== undefined) w.stringField(F.Model.docString, model.docString);
  const graph = model.graph;
  if (graph) w.messageField(F.Model.graph, (g) => writeGraph(g, graph, raw));
  for (const o of model.opsetImport) w.messageField(F.Model.opsetImport, (m) => writeOpset(m, o));
  for (const e of model.metadataProps ?? []) w.messageField(F.Model.metadataProps, (m) => writeEntry(m, e));
  for (const t of model.trainingInfo ?? []) w.bytesField(F.Model.trainingInfo, t);
  for (const fn of model.functions ?? []) w.messageField(F.Model.functions, (m) => writeFunction(m, fn, raw));
  return w.finish();
}

function writeOpset(w: ProtoWriter, o: OperatorSetIdProto): void {
  w.stringField(F.OperatorSetId.domain, o.domain);
  w.varintField(F.OperatorSetId.version, o.version);
}

function writeEntry(w: ProtoWriter, e: StringStringEntryProto): void {
  w.stringField(F.StringStringEntry.key, e.key);
  w.stringField(F.StringStringEntry.value, e.value);
}

function writeGraph(w: ProtoWriter, g: GraphProto, raw: boolean): void {
  for (const n of g.node) w.messageField(F.Graph.node, (m) => writeNode(m, n, raw));
  w.stringField(F.Graph.name, g.name);
  for (const t of g.initializer ?? []) w.messageField(F.Graph.initializer, (m) => writeTensor(m, t, raw));
  if (g.docString !== undefined) w.stringField(F.Graph.docString, g.docString);
  for (const v of g.input) w.messageField(F.Graph.input, (m) => writeValueInfo(m, v));
  for (const v of g.output) w.messageField(F.Graph.output, (m) => writeValueInfo(m, v));
  for (const v of g.valueInfo ?? []) w.messageField(F.Graph.valueInfo, (m) => writeValueInfo(m, v));
  for (const s of g.sparseInitializer ?? []) w.messageField(F.Graph.sparseInitializer, (m) => writeSparse(m, s, raw));
}

function writeNode(w: ProtoWriter, n: NodeProto, raw: boolean): void {
  for (const i of n.input) w.stringField(F.Node.input, i);
  for (const o of n.output) w.stringField(F.Node.output, o);
  if (n.name !== undefined) w.stringField(F.Node.name, n.name);
  w.stringField(F.Node.opType, n.opType);
  for (const a of n.attribute ?? []) w.messageField(F.Node.attribute, (m) => writeAttribute(m, a, raw));
  if (n.docString !== undefined) w.stringField(F.Node.docString, n.docString);
  if (n.domain !== undefined) w.stringField(F.Node.domain, n.domain);
}

function writeAttribute(w: ProtoWriter, a: AttributeProto, raw: boolean): void {
  w.stringField(F.Attribute.name, a.name);
  if (a.f !== undefined) w.floatField(F.Attribute.f, a.f);
  if (a.i !== undefined) w.varintField(F.Attribute.i, a.i);
  if (a.s !== undefined) w.bytesField(F.Attribute.s, a.s);
  const t = a.t;
  if (t) w.messageField(F.Attribute.t, (m) => writeTensor(m, t, raw));
  const g = a.g;
  if (g) w.messageField(F.Attribute.g, (m) => writeGraph(m, g, raw));
  // Packed, as proto3-era onnx writers do; the decoder accepts both forms anyway.
  if (a.floats?.length) w.packedFloatField(F.Attribute.floats, a.floats);
  if (a.ints?.length) w.packedVarintField(F.Attribute.ints, a.ints);
  for (const s of a.strings ?? []) w.bytesField(F.Attribute.strings, s);
  for (const t2 of a.tensors ?? []) w.messageField(F.Attribute.tensors, (m) => writeTensor(m, t2, raw));
  for (const g2 of a.graphs ?? []) w.messageField(F.Attribute.graphs, (m) => writeGraph(m, g2, raw));
  if (a.docString !== undefined) w.stringField(F.Attribute.docString, a.docString);
  w.varintField(F.Attribute.type, a.type);
  if (a.refAttrName !== undefined) w.stringField(F.Attribute.refAttrName, a.refAttrName);
}

function rawBytesOf(t: TensorProto): Uint8Array | undefined {
  if (t.dataType === DataType.FLOAT && t.floatData) {
    const out = new Uint8Array(t.floatData.length * 4);
    const view = new DataView(out.buffer);
    t.floatData.forEach((v, i) => view.setFloat32(i * 4, v, true));
    return out;
  }
  if (t.dataType === DataType.INT32 && t.int32Data) {
    const out = new Uint8Array(t.int32Data.length * 4);
    const view = new DataView(out.buffer);
    t.int32Data.forEach((v, i) => view.setInt32(i * 4, v, true));
    return out;
  }
  if (t.dataType === DataType.INT64 && t.int64Data) {
    const out = new Uint8Array(t.int64Data.length * 8);
    const view = new DataView(out.buffer);
    t.int64Data.forEach((v, i) => view.setBigInt64(i * 8, v, true));
    return out;
  }
  return undefined;
}

function writeTensor(w: ProtoWriter, t: TensorProto, raw: boolean): void {
  const converted = raw && !t.rawData ? rawBytesOf(t) : undefined;
  if (t.dims.length) w.packedVarintField(F.Tensor.dims, t.dims);
  w.varintField(F.Tensor.dataType, t.dataType);
  if (!converted) {
    if (t.floatData?.length) w.packedFloatField(F.Tensor.floatData, t.floatData);
    if (t.int32Data?.length) w.packedVarintField(F.Tensor.int32Data, t.int32Data);
  }
  for (const s of t.stringData ?? []) w.bytesField(F.Tensor.stringData, s);
  if (!converted && t.int64Data?.length) w.packedVarintField(F.Tensor.int64Data, t.int64Data);
  if (t.name !== undefined) w.stringField(F.Tensor.name, t.name);
  const rawData = converted ?? t.rawData;
  if (rawData) w.bytesField(F.Tensor.rawData, rawData);
  if (t.doubleData?.length) w.packedDoubleField(F.Tensor.doubleData, t.doubleData);
  if (t.uint64Data?.length) w.packedVarintField(F.Tensor.uint64Data, t.uint64Data);
  if (t.docString !== undefined) w.stringField(F.Tensor.docString, t.docString);
  for (const e of t.externalData ?? []) w.messageField(F.Tensor.externalData, (m) => writeEntry(m, e));
  if (t.dataLocation !== undefined) w.varintField(F.Tensor.dataLocation, t.dataLocation);
}

function writeSparse(w: ProtoWriter, s: SparseTensorProto, raw: boolean): void {
  const values = s.values;
  if (values) w.messageField(F.SparseTensor.values, (m) => writeTensor(m, values, raw));
  const indices = s.indices;
  if (indices) w.messageField(F.SparseTensor.indices, (m) => writeTensor(m, indices, raw));
  if (s.dims.length) w.packedVarintField(F.SparseTensor.dims, s.dims);
}

function writeValueInfo(w: ProtoWriter, v: ValueInfoProto): void {
  w.stringField(F.ValueInfo.name, v.name);
  const type = v.type;
  if (type) w.messageField(F.ValueInfo.type, (m) => writeType(m, type));
  if (v.docString !== undefined) w.stringField(F.ValueInfo.docString, v.docString);
}

function writeTensorType(w: ProtoWriter, t: TypeProtoTensor): void {
  w.varintField(F.TypeTensor.elemType, t.elemType);
  const shape = t.shape;
  if (!shape) return;
  w.messageField(F.TypeTensor.shape, (s) => {
    for (const d of shape.dim) {
      s.messageField(F.TensorShape.dim, (m) => {
        if (d.dimValue !== undefined) m.varintField(F.Dimension.dimValue, d.dimValue);
        if (d.dimParam !== undefined) m.stringField(F.Dimension.dimParam, d.dimParam);
        if (d.denotation !== undefined) m.stringField(F.Dimension.denotation, d.denotation);
      });
    }
  });
}

function writeType(w: ProtoWriter, t: TypeProto): void {
  const tensor = t.tensorType;
  if (tensor) w.messageField(F.Type.tensorType, (m) => writeTensorType(m, tensor));
  const seq = t.sequenceType;
  if (seq) w.messageField(F.Type.sequenceType, (m) => seq.elemType && m.messageField(F.TypeSequence.elemType, (e) => writeType(e, seq.elemType!)));
  const map = t.mapType;
  if (map) {
    w.messageField(F.Type.mapType, (m) => {
      m.varintField(F.TypeMap.keyType, map.keyType);
      if (map.valueType) m.messageField(F.TypeMap.valueType, (e) => writeType(e, map.valueType!));
    });
  }
  if (t.denotation !== undefined) w.stringField(F.Type.denotation, t.denotation);
  const sparse = t.sparseTensorType;
  if (sparse) w.messageField(F.Type.sparseTensorType, (m) => writeTensorType(m, sparse));
  const opt = t.optionalType;
  if (opt) w.messageField(F.Type.optionalType, (m) => opt.elemType && m.messageField(F.TypeOptional.elemType, (e) => writeType(e, opt.elemType!)));
}

function writeFunction(w: ProtoWriter, fn: FunctionProto, raw: boolean): void {
  w.stringField(F.Function.name, fn.name);
  for (const i of fn.input) w.stringField(F.Function.input, i);
  for (const o of fn.output) w.stringField(F.Function.output, o);
  for (const a of fn.attribute) w.stringField(F.Function.attribute, a);
  for (const n of fn.node) w.messageField(F.Function.node, (m) => writeNode(m, n, raw));
  if (fn.docString !== undefined) w.stringField(F.Function.docString, fn.docString);
  for (const o of fn.opsetImport) w.messageField(F.Function.opsetImport, (m) => writeOpset(m, o));
  w.stringField(F.Function.domain, fn.domain);
}
