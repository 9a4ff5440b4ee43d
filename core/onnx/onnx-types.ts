/**
 * The subset of onnx.proto that Graft reads and writes, in camelCase. Repeated fields are optional
 * here so hand-written models stay short; decodeModel always fills them (empty when absent).
 * int64 scalars are numbers (exact below 2^53, far above any size we accept); int64 tensor data
 * stays bigint so values round-trip exactly.
 */

export interface OperatorSetIdProto {
  domain: string;
  version: number;
}

export interface StringStringEntryProto {
  key: string;
  value: string;
}

export interface TensorProto {
  dims: number[];
  dataType: number;
  floatData?: Float32Array;
  int32Data?: Int32Array;
  stringData?: Uint8Array[];
  int64Data?: BigInt64Array;
  name?: string;
  docString?: string;
  /** Little-endian element bytes; the encoder writes numeric tensors this way. */
  rawData?: Uint8Array;
  externalData?: StringStringEntryProto[];
  dataLocation?: number;
  doubleData?: Float64Array;
  uint64Data?: BigUint64Array;
}

export interface SparseTensorProto {
  values?: TensorProto;
  indices?: TensorProto;
  dims: number[];
}

export interface TensorShapeDimension {
  dimValue?: number;
  dimParam?: string;
  denotation?: string;
}

export interface TensorShapeProto {
  dim: TensorShapeDimension[];
}

export interface TypeProtoTensor {
  elemType: number;
  shape?: TensorShapeProto;
}

export interface TypeProto {
  tensorType?: TypeProtoTensor;
  sequenceType?: { elemType?: TypeProto };
  mapType?: { keyType: number; valueType?: TypeProto };
  optionalType?: { elemType?: TypeProto };
  sparseTensorType?: TypeProtoTensor;
  denotation?: string;
}

export interface ValueInfoProto {
  name: string;
  type?: TypeProto;
  docString?: string;
}

export interface AttributeProto {
  name: string;
  type: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: TensorProto;
  g?: GraphProto;
  floats?: number[];
  ints?: number[];
  strings?: Uint8Array[];
  tensors?: TensorProto[];
  graphs?: GraphProto[];
  docString?: string;
  refAttrName?: string;
}

export interface NodeProto {
  input: string[];
  output: string[];
  name?: string;
  opType: string;
  domain?: string;
  attribute?: AttributeProto[];
  docString?: string;
}

export interface GraphProto {
  node: NodeProto[];
  name: string;
  initializer?: TensorProto[];
  sparseInitializer?: SparseTensorProto[];
  docString?: string;
  input: ValueInfoProto[];
  output: ValueInfoProto[];
  valueInfo?: ValueInfoProto[];
}

/** Only what the validator needs to refuse model-local functions, plus enough to round-trip tests. */
export interface FunctionProto {
  name: string;
  input: string[];
  output: string[];
  attribute: string[];
  node: NodeProto[];
  docString?: string;
  opsetImport: OperatorSetIdProto[];
  domain: string;
}

export interface ModelProto {
  irVersion: number;
  opsetImport: OperatorSetIdProto[];
  producerName?: string;
  producerVersion?: string;
  domain?: string;
  modelVersion?: number;
  docString?: string;
  graph?: GraphProto;
  metadataProps?: StringStringEntryProto[];
  /** Kept opaque: Graft never uses training info, but a validator must know it is there. */
  trainingInfo?: Uint8Array[];
  functions?: FunctionProto[];
}
