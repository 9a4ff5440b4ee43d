import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { encodeModel } from '../../core/onnx/encode-model';
import { attr } from '../../core/onnx/graph-attributes';
import { GraphBuilder } from '../../core/onnx/graph-builder';
import { validateAdapterModel } from '../../core/onnx/validate-adapter';
import { seededFloats, validHead } from '../helpers/onnx-fixtures';

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-6): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(Math.abs(actual[i]! - expected[i]!)).toBeLessThanOrEqual(tol);
}

function softmaxRows(x: number[], cols: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < x.length / cols; r++) {
    const row = x.slice(r * cols, (r + 1) * cols);
    const m = Math.max(...row);
    const e = row.map((v) => Math.exp(v - m));
    const s = e.reduce((a, b) => a + b, 0);
    out.push(...e.map((v) => v / s));
  }
  return out;
}

describe('GraphBuilder models in onnxruntime-node', () => {
  it('Gemm + Softmax head gives the expected probabilities', async () => {
    const inDim = 5;
    const k = 3;
    const W = seededFloats(inDim * k, 7);
    const B = seededFloats(k, 11);
    const bytes = validHead(inDim, k);
    const session = await ort.InferenceSession.create(bytes);
    const x = Float32Array.from([0.1, -0.2, 0.3, 0.4, -0.5, 1, 0, 0, 0, 2]);
    const result = await session.run({ features: new ort.Tensor('float32', x, [2, inDim]) });
    const logits: number[] = [];
    for (let r = 0; r < 2; r++) {
      for (let c = 0; c < k; c++) {
        let s = B[c]!;
        for (let i = 0; i < inDim; i++) s += Math.fround(x[r * inDim + i]!) * W[i * k + c]!;
        logits.push(s);
      }
    }
    expect(result.probs!.dims).toEqual([2, k]);
    expectClose(result.probs!.data as Float32Array, softmaxRows(logits, k));
    // The same bytes pass the adapter validator.
    expect(validateAdapterModel(bytes, { inputDim: inDim, outputDim: k }).ops).toEqual(['Gemm', 'Identity', 'Softmax']);
  });

  it('Gather (int32 indices) + ReduceSum sums embedding rows', async () => {
    const g = new GraphBuilder('bag');
    const ids = g.input('ids', 'int32', ['N', 'L']);
    const table = g.initializer('table', Float32Array.from([0, 0, 1, 2, 3, 4, 5, 6]), [4, 2]);
    const axes = g.initializer('axes', new BigInt64Array([1n]), [1]);
    const rows = g.node('Gather', [table, ids], { axis: 0 });
    const sum = g.node('ReduceSum', [rows, axes], { keepdims: 0 });
    g.output(sum, 'float32', ['N', 2], 'embedding');
    const session = await ort.InferenceSession.create(encodeModel(g.toModel({ opset: 17 })));
    const result = await session.run({ ids: new ort.Tensor('int32', Int32Array.from([1, 2, 3, 3, 0, 0]), [2, 3]) });
    expect(result.embedding!.dims).toEqual([2, 2]);
    expectClose(result.embedding!.data as Float32Array, [1 + 3 + 5, 2 + 4 + 6, 5 + 0 + 0, 6 + 0 + 0]);
  });

  it('MLP with Reshape, LeakyRelu and a float attribute equal to a whole number', async () => {
    const g = new GraphBuilder('mlp');
    const x = g.input('features', 'float32', ['N', 2]);
    const w1 = g.initializer('w1', Float32Array.from([1, -1, 2, 0.5]), [2, 2]);
    const shape = g.initializer('shape', new BigInt64Array([-1n, 2n]), [2]);
    const h = g.node('Gemm', [x, w1], { alpha: attr.float(2), transB: 1 });
    const a = g.node('LeakyRelu', [h], { alpha: attr.float(0.5) });
    const r = g.node('Reshape', [a, shape]);
    g.output(r, 'float32', ['N', 2], 'probs');
    const bytes = encodeModel(g.toModel({ opset: 17 }));
    expect(validateAdapterModel(bytes, { inputDim: 2, outputDim: 2 }).parameterCount).toBe(6);
    const session = await ort.InferenceSession.create(bytes);
    const result = await session.run({ features: new ort.Tensor('float32', Float32Array.from([1, 2]), [1, 2]) });
    // h = 2 * x·w1ᵀ = 2 * [1-2, 2+1] = [-2, 6]; LeakyRelu(0.5) → [-1, 6]
    expectClose(result.probs!.data as Float32Array, [-1, 6]);
  });
});
