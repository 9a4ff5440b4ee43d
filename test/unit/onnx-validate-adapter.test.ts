import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { AdapterModelError, type AdapterModelErrorCode } from '../../core/onnx/adapter-model-error';
import { ADAPTER_MODEL_LIMITS } from '../../core/onnx/adapter-model-limits';
import { validateAdapterModel } from '../../core/onnx/validate-adapter';
import { headModel } from '../../core/heads/head-model';
import { encodeModel } from '../../core/onnx/encode-model';
import { GraphBuilder } from '../../core/onnx/graph-builder';
import * as fx from '../helpers/onnx-fixtures';

/** A head that keeps some columns of a 10-wide input: Gather with these indices, then a Gemm. */
function gatherHead(indices: Int32Array, constant = true): Uint8Array {
  const g = new GraphBuilder('gather');
  const x = g.input('features', 'float32', ['N', 10]);
  const at = constant ? g.initializer('kept', indices, [indices.length]) : g.input('kept', 'int32', [indices.length]);
  const kept = g.node('Gather', [x, at], { axis: 1 });
  const logits = g.node('Gemm', [kept, g.initializer('W', new Float32Array(indices.length * 2), [indices.length, 2]), g.initializer('B', new Float32Array(2), [2])]);
  g.output(g.node('Softmax', [logits], { axis: 1 }), 'float32', ['N', 2], 'probs');
  return encodeModel(g.toModel({ opset: 17 }));
}

const expectDims = { inputDim: 4, outputDim: 2 };

function codeOf(bytes: Uint8Array, expect = expectDims, limits = {}): AdapterModelErrorCode | 'ok' {
  try {
    validateAdapterModel(bytes, expect, limits);
    return 'ok';
  } catch (e) {
    if (e instanceof AdapterModelError) return e.code;
    throw e;
  }
}

describe('validateAdapterModel', () => {
  it('accepts a valid head and summarises it', () => {
    const v = validateAdapterModel(fx.validHead(4, 2), expectDims);
    expect(v).toMatchObject({
      irVersion: 8, opset: 17, inputName: 'features', outputName: 'probs',
      ops: ['Gemm', 'Identity', 'Softmax'], nodeCount: 3, parameterCount: 10, initializerBytes: 40,
    });
  });

  it('exports documented default limits', () => {
    expect(ADAPTER_MODEL_LIMITS).toMatchObject({ maxModelBytes: 16 * 1024 * 1024, maxNodes: 2000, maxInitializerElements: 8_000_000 });
    expect(Object.isFrozen(ADAPTER_MODEL_LIMITS)).toBe(true);
  });

  const cases: [AdapterModelErrorCode, string, () => Uint8Array][] = [
    ['model_too_large', 'over 16 MiB', () => fx.oversizedModel()],
    ['model_too_large', '1M empty sub-messages', () => fx.manyEmptyMessages()],
    ['model_too_large', 'packed varint bomb', () => fx.packedVarintBomb()],
    ['onnx_truncated', 'cut in half', () => fx.truncatedModel()],
    ['onnx_malformed', 'random bytes', () => fx.randomBytes()],
    ['onnx_malformed', 'nested 100 deep', () => fx.deeplyNestedModel()],
    ['unsupported_ir_version', 'ir_version 99', () => fx.irVersionTooNew()],
    ['unsupported_opset', 'opset 99', () => fx.opsetTooNew()],
    ['custom_domain', 'custom op with its import', () => fx.customDomainOp()],
    ['custom_domain', 'custom-domain node without import', () => fx.customDomainNodeOnly()],
    ['functions_not_allowed', 'model-local function', () => fx.modelWithFunction()],
    ['operator_not_allowed', 'ConstantOfShape with a huge shape', () => fx.constantOfShapeHuge()],
    ['operator_not_allowed', 'Reshape with a computed shape', () => fx.reshapeDynamicShape()],
    ['subgraph_not_allowed', 'Loop with a body', () => fx.loopWithBody()],
    ['external_data', 'external-data initializer', () => fx.externalDataInitializer()],
    ['initializer_too_large', '9M-element initializer', () => fx.initializerTooLarge()],
    ['initializer_invalid', 'data shorter than dims', () => fx.initializerDataMismatch()],
    ['dimension_too_large', '2^25 initializer dim', () => fx.dimensionTooLarge()],
    ['dimension_too_large', 'Reshape to 2^30', () => fx.reshapeHugeDimension()],
    ['intermediate_too_large', '[4000,1] + [1,4000]', () => fx.broadcastBlowup()],
    ['input_mismatch', 'wrong feature width', () => fx.wrongInputDim()],
    ['input_mismatch', 'two inputs', () => fx.twoInputs()],
    ['output_mismatch', 'probs declared [N, K+1]', () => fx.wrongOutputShape()],
    ['output_mismatch', 'probs computed [N, K+1]', () => fx.computedOutputMismatch()],
    ['output_mismatch', 'output named logits', () => fx.outputNotNamedProbs()],
    ['too_many_nodes', '2,001 nodes', () => fx.tooManyNodes()],
    ['graph_invalid', 'cycle', () => fx.cyclicGraph()],
    ['graph_invalid', 'dangling input', () => fx.danglingInput()],
  ];

  it('accepts a column-selecting head (Gather of constant, in-range indices) and refuses any other Gather', () => {
    const wide = { inputDim: 10, outputDim: 2 };
    expect(codeOf(gatherHead(Int32Array.from([0, 3, 9])), wide)).toBe('ok');
    // A hybrid head keeps tens of thousands of hashed columns.
    const columns = Int32Array.from({ length: 50_000 }, (_, i) => 2 * i);
    const hybrid = headModel({ input: { width: 100_000, columns }, layers: [{ inputs: columns.length, outputs: 2, weights: new Float32Array(columns.length * 2), bias: new Float32Array(2), activation: 'linear' }], output: 'softmax' });
    expect(codeOf(hybrid, { inputDim: 100_000, outputDim: 2 })).toBe('ok');
    expect(codeOf(gatherHead(Int32Array.from([0, 10])), wide)).toBe('graph_invalid');
    expect(codeOf(gatherHead(Int32Array.from([-11])), wide)).toBe('graph_invalid');
    expect(codeOf(gatherHead(Int32Array.from([1, 2]), false), wide)).not.toBe('ok');
    const norm = { start: 1, weights: Float32Array.from([0.5, -0.25]), bias: 4 };
    const selecting = headModel({ input: { width: 10, columns: Int32Array.from([2, 5, 7]), norm }, layers: [{ inputs: 3, outputs: 2, weights: new Float32Array(6), bias: new Float32Array(2), activation: 'linear' }], output: 'softmax' });
    expect(codeOf(selecting, wide)).toBe('ok');
  });

  for (const [code, label, make] of cases) {
    it(`${code}: ${label}`, () => {
      expect(codeOf(make())).toBe(code);
    });
  }

  it('each broken file breaks only its rule: relaxing that limit makes it pass', () => {
    expect(codeOf(fx.oversizedModel(), expectDims, { maxModelBytes: 32 * 1024 * 1024 })).toBe('ok');
    expect(codeOf(fx.tooManyNodes(), expectDims, { maxNodes: 5000 })).toBe('ok');
    expect(codeOf(fx.irVersionTooNew(), expectDims, { maxIrVersion: 99 })).toBe('ok');
    expect(codeOf(fx.broadcastBlowup(), expectDims, { maxIntermediateElements: 20_000_000 })).toBe('ok');
  });

  it('error messages are human-readable and name the op', () => {
    try {
      validateAdapterModel(fx.constantOfShapeHuge(), expectDims);
      expect.unreachable();
    } catch (e) {
      expect((e as AdapterModelError).message).toMatch(/ConstantOfShape/);
    }
  });

  it('the valid head passes ORT; broken structural fixtures are refused before ORT ever sees them', async () => {
    await expect(ort.InferenceSession.create(fx.validHead(4, 2))).resolves.toBeDefined();
    // Sanity: the crafted files are loadable protobuf, i.e. it is our rule that refuses them.
    for (const make of [fx.wrongOutputShape, fx.broadcastBlowup, fx.tooManyNodes]) {
      await expect(ort.InferenceSession.create(make())).resolves.toBeDefined();
    }
  });
});
