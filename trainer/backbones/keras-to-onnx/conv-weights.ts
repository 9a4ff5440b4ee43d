import type { Weight } from './dequantize-weights';

/** Keras Conv2D kernel [kh, kw, in, out] → ONNX Conv weight [out, in, kh, kw], in float64. */
export function convKernel(kernel: Weight): Float64Array {
  const [kh, kw, ci, co] = kernel.shape as [number, number, number, number];
  const out = new Float64Array(kernel.values.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < ci; i++)
        for (let o = 0; o < co; o++) out[((o * ci + i) * kh + y) * kw + x] = kernel.values[((y * kw + x) * ci + i) * co + o]!;
  return out;
}

/** Keras DepthwiseConv2D kernel [kh, kw, in, mult] → ONNX grouped Conv weight [in × mult, 1, kh, kw]. */
export function depthwiseKernel(kernel: Weight): Float64Array {
  const [kh, kw, ci, mult] = kernel.shape as [number, number, number, number];
  const out = new Float64Array(kernel.values.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < ci; i++)
        for (let m = 0; m < mult; m++) out[((i * mult + m) * kh + y) * kw + x] = kernel.values[((y * kw + x) * ci + i) * mult + m]!;
  return out;
}

export interface BatchNorm {
  gamma?: Float32Array;
  beta?: Float32Array;
  mean: Float32Array;
  variance: Float32Array;
  epsilon: number;
}

/** Per-channel y = x·scale + shift equal to the batch norm in inference mode. */
export function batchNormAffine(bn: BatchNorm): { scale: Float64Array; shift: Float64Array } {
  const n = bn.mean.length;
  const scale = new Float64Array(n);
  const shift = new Float64Array(n);
  for (let c = 0; c < n; c++) {
    scale[c] = (bn.gamma ? bn.gamma[c]! : 1) / Math.sqrt(bn.variance[c]! + bn.epsilon);
    shift[c] = (bn.beta ? bn.beta[c]! : 0) - bn.mean[c]! * scale[c]!;
  }
  return { scale, shift };
}

/** Folds y = conv(x)·scale + shift into the convolution: W'[o] = W[o]·scale[o], b' = b·scale + shift. */
export function foldIntoConv(weight: Float64Array, bias: Float64Array | undefined, scale: Float64Array, shift: Float64Array): { weight: Float64Array; bias: Float64Array } {
  const outChannels = scale.length;
  const perOut = weight.length / outChannels;
  const w = new Float64Array(weight.length);
  const b = new Float64Array(outChannels);
  for (let o = 0; o < outChannels; o++) {
    for (let k = 0; k < perOut; k++) w[o * perOut + k] = weight[o * perOut + k]! * scale[o]!;
    b[o] = (bias ? bias[o]! : 0) * scale[o]! + shift[o]!;
  }
  return { weight: w, bias: b };
}
