import type { WeightSpec } from './keras-model-json';

export interface Weight {
  shape: number[];
  values: Float32Array;
}

/**
 * Reads the concatenated weight shards in manifest order, dequantising as TensorFlow.js does
 * (value = q × scale + min, rounded to float32), so the converted graph starts from the exact
 * floats the reference model uses.
 */
export function dequantizeWeights(specs: readonly WeightSpec[], data: Uint8Array): Map<string, Weight> {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const weights = new Map<string, Weight>();
  let offset = 0;
  for (const spec of specs) {
    const count = spec.shape.reduce((a, b) => a * b, 1);
    const q = spec.quantization;
    const width = q ? (q.dtype === 'uint8' ? 1 : 2) : 4;
    if (offset + count * width > data.length) throw new Error(`weights end before ${spec.name} (${count} × ${width} bytes at ${offset})`);
    const values = new Float32Array(count);
    for (let i = 0; i < count; i++) {
      const at = offset + i * width;
      if (!q) values[i] = view.getFloat32(at, true);
      else values[i] = (q.dtype === 'uint8' ? view.getUint8(at) : view.getUint16(at, true)) * q.scale + q.min;
    }
    weights.set(spec.name, { shape: spec.shape, values });
    offset += count * width;
  }
  if (offset !== data.length) throw new Error(`weight data has ${data.length - offset} bytes the manifest does not describe`);
  return weights;
}
