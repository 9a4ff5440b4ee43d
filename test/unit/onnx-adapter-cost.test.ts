import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { headModel } from '../../core/heads/head-model';
import { AdapterModelError, type AdapterModelErrorCode } from '../../core/onnx/adapter-model-error';
import { ADAPTER_MODEL_LIMITS, type AdapterModelLimits } from '../../core/onnx/adapter-model-limits';
import { decodeModel } from '../../core/onnx/decode-model';
import { encodeModel } from '../../core/onnx/encode-model';
import { attr } from '../../core/onnx/graph-attributes';
import { GraphBuilder, type Dim } from '../../core/onnx/graph-builder';
import type { OnnxFormatError } from '../../core/onnx/onnx-format-error';
import { validateAdapterModel, type ValidatedAdapterModel } from '../../core/onnx/validate-adapter';
import { API_LIMITS } from '../../core/schemas/api';
import * as hx from '../helpers/hostile-adapters';
import { seededFloats, validHead } from '../helpers/onnx-fixtures';

const D = 16;
const K = 2;

function validate(bytes: Uint8Array, inputDim = D, limits: Partial<AdapterModelLimits> = {}): ValidatedAdapterModel {
  return validateAdapterModel(bytes, { inputDim, outputDim: K }, limits);
}

function codeOf(bytes: Uint8Array, inputDim = D, limits: Partial<AdapterModelLimits> = {}): AdapterModelErrorCode | 'ok' {
  try {
    validate(bytes, inputDim, limits);
    return 'ok';
  } catch (e) {
    if (e instanceof AdapterModelError) return e.code;
    throw e;
  }
}

/** features [N, D] → `body` → Gemm → Softmax → probs [rows, K]. */
function headWith(body: (g: GraphBuilder, x: string) => { value: string; width: number }, rows: Dim = 'N', batch: Dim = 'N'): Uint8Array {
  const g = new GraphBuilder('case');
  const { value, width } = body(g, g.input('features', 'float32', [batch, D]));
  const logits = g.node('Gemm', [value, g.initializer('W', seededFloats(width * K, 3), [width, K])]);
  g.output(g.node('Softmax', [logits], { axis: 1 }), 'float32', [rows, K], 'probs');
  return encodeModel(g.toModel({ opset: 17 }));
}

const int64s = (...values: number[]) => BigInt64Array.from(values.map(BigInt));

describe('adapter cost at the maximum batch (decision 0040)', () => {
  it('weighs at the most rows a request carries', () => {
    expect(ADAPTER_MODEL_LIMITS.maxBatchRows).toBe(Math.max(API_LIMITS.maxBatchInputs, API_LIMITS.maxImagesPerRequest));
    expect(ADAPTER_MODEL_LIMITS.maxBatchRows).toBe(64);
  });

  it('refuses (x[N,1,1] + A[1,2000,1]) + B[1,1,2000]: 4M elements a row, 256M at 64 rows', () => {
    const bytes = hx.batchBroadcastBlowup(D, K);
    expect(bytes.length).toBeLessThan(50_000);
    expect(codeOf(bytes)).toBe('intermediate_too_large');
    // It is the batch that makes it too large: one row is within every bound.
    expect(codeOf(bytes, D, { maxBatchRows: 1 })).toBe('ok');
  });

  it('weighs the batch as 64 rows whatever the input names it', () => {
    for (const name of ['x*0', '0', '0*N', '?', 'N*0.0001', '']) {
      expect(codeOf(hx.batchBroadcastBlowup(D, K, 2000, name)), JSON.stringify(name)).toBe('intermediate_too_large');
    }
  });

  it('accepts exactly one symbolic dimension on the input, and follows it to probs', () => {
    expect(codeOf(hx.fixedBatch(D, K, 1))).toBe('batch_dim_invalid');
    expect(codeOf(hx.fixedBatch(D, K, 64))).toBe('batch_dim_invalid');
    expect(codeOf(hx.rowsCollapsed(D, K))).toBe('batch_dim_invalid');
    expect(codeOf(hx.rowsDoubled(D, K))).toBe('batch_dim_invalid');
    // The declared output rows: another symbol, or a number.
    expect(codeOf(headWith((_, x) => ({ value: x, width: D }), 'M'))).toBe('batch_dim_invalid');
    expect(codeOf(headWith((_, x) => ({ value: x, width: D }), 64))).toBe('batch_dim_invalid');
    // Names alone do not matter when they agree, nor an unnamed batch.
    expect(codeOf(headWith((_, x) => ({ value: x, width: D }), 'batch', 'batch'))).toBe('ok');
    // Broadcast against a fixed 64 rows works for 1 and 64 rows, for no batch in between.
    const against64 = headWith((g, x) => ({ value: g.node('Add', [x, g.initializer('C', new Float32Array(64 * D), [64, D])]), width: D }));
    expect(codeOf(against64)).toBe('graph_invalid');
  });

  it('refuses a Slice along the batch, which could cost more at a smaller batch than at 64 rows', () => {
    const sliced = headWith((g, x) => ({
      value: g.node('Slice', [x, g.initializer('s', int64s(-10), [1]), g.initializer('e', int64s(5), [1]), g.initializer('a', int64s(0), [1])]),
      width: D,
    }));
    expect(codeOf(sliced)).toBe('batch_dim_invalid');
    // Along the features it is what headModel's norm does.
    const columns = headWith((g, x) => ({ value: g.node('Slice', [x, g.initializer('s', int64s(2), [1]), g.initializer('e', int64s(10), [1]), g.initializer('a', int64s(1), [1])]), width: 8 }));
    expect(codeOf(columns)).toBe('ok');
  });

  it('bounds the sum of every tensor the graph computes, not just each one', () => {
    const bytes = hx.manyLargeIntermediates(D, K);
    expect(codeOf(bytes)).toBe('intermediate_total_too_large');
    const relaxed = validate(bytes, D, { maxTotalIntermediateElements: 100_000_000 });
    expect(relaxed.cost!.largestElements).toBe(64 * D * 6000);
    expect(relaxed.cost!.largestElements).toBeLessThanOrEqual(ADAPTER_MODEL_LIMITS.maxIntermediateElements);
    expect(relaxed.cost!.totalElements).toBeGreaterThan(ADAPTER_MODEL_LIMITS.maxTotalIntermediateElements);
  });

  it('bounds the arithmetic of one request: hᵀh then its square is 16G operations from small tensors', () => {
    const bytes = hx.matmulFlops(D, K);
    expect(codeOf(bytes)).toBe('compute_too_large');
    const relaxed = validate(bytes, D, { maxOperations: 1e12 });
    expect(relaxed.cost!.operations).toBeGreaterThan(2 * 2000 ** 3);
    expect(relaxed.cost!.largestElements).toBe(2000 * 2000);
  });

  it('counts constants ORT folds: transient like any tensor, resident when a run reads them', () => {
    // A[2000,1] + B[1,2000] folds into 16 MB kept by the session, from 16 KB.
    expect(codeOf(hx.foldedConstant(D, K))).toBe('folded_constant_too_large');
    // Folding the weights into their transpose keeps them the size they were.
    const transposed = headWith((g, x) => {
      const w = g.node('Transpose', [g.initializer('Wt', seededFloats(32 * D, 4), [32, D])], { perm: [1, 0] });
      return { value: g.node('MatMul', [x, w]), width: 32 };
    });
    const v = validate(transposed);
    expect(v.cost!.foldedBytes).toBe(32 * D * 4);
    expect(v.runtime).toBe('ort');
  });

  it('does no quadratic work on a node with a huge input list, and caps it', () => {
    expect(codeOf(hx.wideConcat(4, K, 256), 4)).toBe('ok');
    expect(codeOf(hx.wideConcat(4, K, 257), 4)).toBe('too_many_node_inputs');
    const started = performance.now();
    expect(codeOf(hx.wideConcat(4, K, 150_000), 4)).toBe('too_many_node_inputs');
    console.log(`Concat of 150,000 inputs refused in ${(performance.now() - started).toFixed(0)} ms`);
  });

  it('refuses an attribute given twice, and an attribute of the wrong type', () => {
    expect(codeOf(hx.repeatedAttribute(D, K))).toBe('attribute_repeated');
    const mistyped = headWith((g, x) => ({ value: g.node('Flatten', [x], { axis: attr.float(1) }), width: D }));
    expect(codeOf(mistyped)).toBe('graph_invalid');
  });

  it('refuses a singular protobuf field given twice, which protobuf (and ORT) read otherwise', async () => {
    expect(codeOf(hx.opTypeTwice(D, K))).toBe('onnx_field_repeated');
    expect(codeOf(hx.inputTypeTwice(D, K))).toBe('onnx_field_repeated');
    // ORT merges the two types, appending the second's dims: the input it sees is rank 4.
    await expect(ort.InferenceSession.create(hx.inputTypeTwice(D, K))).rejects.toThrow(/rank 4/);
    expect(codeOf(hx.batchDimBothWays(D, K))).toBe('onnx_field_repeated');
    expect(() => decodeModel(hx.inputTypeTwice(D, K))).toThrow(/appears more than once/);
    // Repeated fields stay repeatable: the valid head has several initializers, nodes and dims.
    expect(codeOf(validHead(D, K))).toBe('ok');
  });

  it('charges a packed varint run 8 bytes of memory per element before allocating it', () => {
    const count = 1_000_000;
    const bytes = hx.packedInt64Run(D, K, count);
    const decodeWith = (maxBytes: number) => {
      try {
        decodeModel(bytes, { maxBytes });
        return 'ok';
      } catch (e) {
        return (e as OnnxFormatError).code;
      }
    };
    expect(decodeWith(8 * count - 1)).toBe('onnx_limit_exceeded');
    expect(decodeWith(8 * count + 100_000)).toBe('ok');
    // Past the default budget (24 MiB) a model of 4 MB is refused while it decodes.
    expect(codeOf(hx.packedInt64Run(D, K, 4_000_000))).toBe('model_too_large');
    // So are 2M empty strings: 4 MB on the wire, ~200 MB of views once decoded.
    expect(codeOf(hx.emptyStrings(D, K, 2_000_000))).toBe('model_too_large');
  });

  it('bounds the dense input of a head ORT runs; a head evaluated in TypeScript reads it sparse', () => {
    const atBudget = ADAPTER_MODEL_LIMITS.maxDenseInputBytes / (64 * 4);
    expect(validate(hx.foreignSumHead(atBudget, K), atBudget).cost!.inputBytes).toBe(ADAPTER_MODEL_LIMITS.maxDenseInputBytes);
    expect(codeOf(hx.foreignSumHead(atBudget + 1, K), atBudget + 1)).toBe('run_input_too_large');
    // Four 2^18 hashed-ngram blocks: 256 MiB of dense float32 at 64 texts for ORT.
    const wide = 4 * (1 << 18);
    expect(codeOf(hx.foreignSumHead(wide, K), wide)).toBe('run_input_too_large');
    const ts = validate(hx.typeScriptHead(wide, K), wide);
    expect(ts.runtime).toBe('typescript');
    expect(ts.cost).toBeUndefined();
  });

  it('refuses files ONNX Runtime would load and serve: it is these rules that stop them', async () => {
    for (const make of [hx.batchBroadcastBlowup, hx.manyLargeIntermediates, hx.matmulFlops, hx.foldedConstant, hx.rowsCollapsed, hx.fixedBatch, hx.batchDimBothWays]) {
      const session = await ort.InferenceSession.create(make(D, K));
      await session.release();
    }
  });

  it('still accepts what graft train writes, and a foreign MLP within the bounds', () => {
    // Hybrid at its column budget for two labels (trainer/heads/train-hybrid.ts), with the norm.
    const columns = Int32Array.from({ length: 131_072 }, (_, i) => (i < 100 ? i : 100 + 2 * (i - 100)));
    const hybrid = headModel({
      input: { width: 100 + (1 << 18), columns, norm: { start: 100, weights: seededFloats(columns.length - 100, 2), bias: 1 } },
      layers: [{ inputs: columns.length, outputs: K, weights: seededFloats(columns.length * K, 3), bias: new Float32Array(K), activation: 'linear' }],
      output: 'softmax',
    });
    expect(validate(hybrid, 100 + (1 << 18)).runtime).toBe('typescript');
    const mlp = headModel({
      layers: [
        { inputs: D, outputs: 512, weights: seededFloats(D * 512, 4), bias: new Float32Array(512), activation: 'relu' },
        { inputs: 512, outputs: K, weights: seededFloats(512 * K, 5), bias: new Float32Array(K), activation: 'linear' },
      ],
      output: 'sigmoid',
    });
    expect(validate(mlp).runtime).toBe('typescript');
    const torch = validateAdapterModel(hx.foreignMlp(1280, 10), { inputDim: 1280, outputDim: 10 });
    expect(torch.runtime).toBe('ort');
    expect(torch.cost).toMatchObject({ rows: 64, inputBytes: 64 * 1280 * 4, largestElements: 64 * 256 });
    console.log('foreign MLP 1280 → 256 → 10 at 64 rows:', torch.cost);
  });
});
