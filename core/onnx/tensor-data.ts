import { DataType, bytesPerElement } from './onnx-enums';
import type { TensorProto } from './onnx-types';

export type NumericTensorData = Float32Array | Int32Array | BigInt64Array;

/** Product of dims (1 for a scalar). Callers bound dims first so the product stays exact. */
export function elementCount(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

export function dataTypeOf(data: NumericTensorData): number {
  if (data instanceof Float32Array) return DataType.FLOAT;
  if (data instanceof Int32Array) return DataType.INT32;
  return DataType.INT64;
}

/** A TensorProto holding `data` in its typed field; encodeModel moves it to raw_data. */
export function makeTensor(name: string, data: NumericTensorData, dims: readonly number[]): TensorProto {
  if (elementCount(dims) !== data.length) {
    throw new RangeError(`tensor ${name}: dims [${dims.join(', ')}] hold ${elementCount(dims)} elements, data has ${data.length}`);
  }
  const t: TensorProto = { name, dims: [...dims], dataType: dataTypeOf(data) };
  if (data instanceof Float32Array) t.floatData = data;
  else if (data instanceof Int32Array) t.int32Data = data;
  else t.int64Data = data;
  return t;
}

/** How many elements the tensor's stored data holds, whichever field it uses (undefined if none). */
export function storedElementCount(t: TensorProto): number | undefined {
  if (t.rawData) {
    const width = bytesPerElement(t.dataType);
    return width === 0 ? undefined : t.rawData.length / width;
  }
  const typed = t.floatData ?? t.int32Data ?? t.int64Data ?? t.doubleData ?? t.uint64Data ?? t.stringData;
  return typed ? typed.length : 0;
}

/**
 * The tensor's values as a typed array (FLOAT, INT32, INT64 only), reading raw_data as
 * little-endian through a DataView so unaligned views into the model bytes are safe.
 */
export function readTensorData(t: TensorProto): NumericTensorData {
  const raw = t.rawData;
  const view = raw ? new DataView(raw.buffer, raw.byteOffset, raw.byteLength) : undefined;
  switch (t.dataType) {
    case DataType.FLOAT: {
      if (!view) return t.floatData ?? new Float32Array(0);
      const out = new Float32Array(Math.floor(view.byteLength / 4));
      for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
      return out;
    }
    case DataType.INT32: {
      if (!view) return t.int32Data ?? new Int32Array(0);
      const out = new Int32Array(Math.floor(view.byteLength / 4));
      for (let i = 0; i < out.length; i++) out[i] = view.getInt32(i * 4, true);
      return out;
    }
    case DataType.INT64: {
      if (!view) return t.int64Data ?? new BigInt64Array(0);
      const out = new BigInt64Array(Math.floor(view.byteLength / 8));
      for (let i = 0; i < out.length; i++) out[i] = view.getBigInt64(i * 8, true);
      return out;
    }
    default:
      throw new TypeError(`tensor ${t.name ?? ''}: data type ${t.dataType} is not supported here`);
  }
}
