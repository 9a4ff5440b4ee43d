import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { denseHeadFromBytes, evaluateDenseHead, type HeadInputBlock } from '../../core/heads/dense-head';
import { headModel } from '../../core/heads/head-model';
import type { DenseLayer, HeadSpec } from '../../core/heads/head-spec';
import { encodeModel } from '../../core/onnx/encode-model';
import { attr } from '../../core/onnx/graph-attributes';
import { GraphBuilder } from '../../core/onnx/graph-builder';
import { hashedNgramsSparse } from '../../core/text/hashed-ngrams';
import { seededFloats } from '../helpers/onnx-fixtures';
import { maxAbsDiff } from '../helpers/ort-compare';
import { linearHead } from '../helpers/worker-fixtures';

/** Weights at the scale training leaves them (logits of a few units), not saturating softmax. */
function layer(inputs: number, outputs: number, seed: number, activation: DenseLayer['activation'] = 'linear'): DenseLayer {
  return { inputs, outputs, weights: seededFloats(inputs * outputs, seed).map((v) => (v * 3) / Math.sqrt(inputs)), bias: seededFloats(outputs, seed + 1), activation };
}

async function ortProbs(model: Uint8Array, features: Float32Array, rows: number, width: number): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(model);
  try {
    const out = await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', features, [rows, width]) });
    return out[session.outputNames[0]!]!.data as Float32Array;
  } finally {
    await session.release();
  }
}

/** Rows with some exact zeros, as real features have. */
function randomRows(rows: number, width: number, seed: number): Float32Array {
  return seededFloats(rows * width, seed).map((v, i) => ((i * 7919) % 5 === 0 ? 0 : v));
}

async function expectMatchesOrt(model: Uint8Array, width: number, rows = 33, seed = 5): Promise<void> {
  const head = denseHeadFromBytes(model);
  expect(head).toBeDefined();
  const features = randomRows(rows, width, seed);
  const ours = evaluateDenseHead(head!, [{ dim: width, dense: features }], rows);
  expect(maxAbsDiff(ours, await ortProbs(model, features, rows, width))).toBeLessThanOrEqual(1e-6);
}

describe('pure-TypeScript evaluation of headModel graphs', () => {
  const specs: [string, HeadSpec, number][] = [
    ['linear softmax 100→2', { layers: [layer(100, 2, 1)], output: 'softmax' }, 100],
    ['linear softmax 100→7', { layers: [layer(100, 7, 2)], output: 'softmax' }, 100],
    ['linear sigmoid 100→4', { layers: [layer(100, 4, 3)], output: 'sigmoid' }, 100],
    ['mlp relu 100→32→5', { layers: [layer(100, 32, 4, 'relu'), layer(32, 5, 5)], output: 'softmax' }, 100],
    ['hybrid-shaped 16484→3', { layers: [layer(16_484, 3, 6)], output: 'softmax' }, 16_484],
  ];
  for (const [name, spec, width] of specs) {
    it(`matches onnxruntime-node to 1e-6: ${name}`, () => expectMatchesOrt(headModel(spec), width));
  }

  it('matches for heads written with explicit default Gemm attributes', () => expectMatchesOrt(linearHead(40, 3, 9), 40));

  it('matches with a sparse hashed n-gram block, as the edge feeds it', async () => {
    const spec = { dim: 4096, ngrams: [1, 2] };
    const texts = ['free money, click now to claim your prize', 'minutes of the review meeting', '', 'win win win cash'];
    const model = headModel({ layers: [layer(16 + spec.dim, 3, 7)], output: 'softmax' });
    const backbone = randomRows(texts.length, 16, 11);
    const sparse = texts.map((t) => hashedNgramsSparse(t, spec));
    const dense = new Float32Array(texts.length * (16 + spec.dim));
    texts.forEach((_, r) => {
      dense.set(backbone.subarray(r * 16, r * 16 + 16), r * (16 + spec.dim));
      sparse[r]!.indices.forEach((bucket, p) => (dense[r * (16 + spec.dim) + 16 + bucket] = sparse[r]!.values[p]!));
    });
    const blocks: HeadInputBlock[] = [{ dim: 16, dense: backbone }, { dim: spec.dim, sparse }];
    const ours = evaluateDenseHead(denseHeadFromBytes(model)!, blocks, texts.length);
    expect(maxAbsDiff(ours, await ortProbs(model, dense, texts.length, 16 + spec.dim))).toBeLessThanOrEqual(1e-6);
  });

  it('matches a head the trainer exported, when one is built', async () => {
    const dir = path.resolve('.graft/cache/bench-serve/spam-head');
    if (!existsSync(path.join(dir, 'adapter.onnx'))) return;
    const model = new Uint8Array(readFileSync(path.join(dir, 'adapter.onnx')));
    const width = (JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { features: { dim: number }[] }).features.reduce((s, f) => s + f.dim, 0);
    await expectMatchesOrt(model, width, 8);
  });

  it('matches for heads that keep some columns and normalise a tail of them, dense or sparse input', async () => {
    const spec = { dim: 4096, ngrams: [1] };
    const texts = ['free money, click now to claim your prize', 'minutes of the review meeting', '', 'win win win cash', 'ünïcödé 東京 🙂'];
    const kept = Int32Array.from(new Set([...Array(16).keys(), ...texts.slice(0, 3).flatMap((t) => Array.from(hashedNgramsSparse(t, spec).indices, (b) => 16 + b))])).sort();
    const width = 16 + spec.dim;
    for (const start of [0, 16, 20]) {
      const norm = { start, weights: seededFloats(kept.length - start, 3).map((v) => v - 0.5), bias: 9 };
      const model = headModel({ input: { width, columns: kept, norm }, layers: [layer(kept.length, 3, 8)], output: 'softmax' });
      const head = denseHeadFromBytes(model);
      expect(head?.input?.norm?.start, `start ${start}`).toBe(start);
      const backbone = randomRows(texts.length, 16, 12);
      const sparse = texts.map((t) => hashedNgramsSparse(t, spec));
      const dense = new Float32Array(texts.length * width);
      texts.forEach((_, r) => {
        dense.set(backbone.subarray(r * 16, r * 16 + 16), r * width);
        sparse[r]!.indices.forEach((bucket, p) => (dense[r * width + 16 + bucket] = sparse[r]!.values[p]!));
      });
      const reference = await ortProbs(model, dense, texts.length, width);
      expect(maxAbsDiff(evaluateDenseHead(head!, [{ dim: 16, dense: backbone }, { dim: spec.dim, sparse }], texts.length), reference)).toBeLessThanOrEqual(1e-6);
      expect(maxAbsDiff(evaluateDenseHead(head!, [{ dim: width, dense }], texts.length), reference)).toBeLessThanOrEqual(1e-6);
    }
    const plain = headModel({ input: { width, columns: kept }, layers: [layer(kept.length, 2, 9)], output: 'sigmoid' });
    expect(denseHeadFromBytes(plain)?.input?.norm).toBeUndefined();
    await expectMatchesOrt(plain, width, 4);
  });

  it('declines selections it cannot prove identical: unsorted columns, another epsilon', () => {
    const bytes = (columns: Int32Array) => headModel({ input: { width: 8, columns }, layers: [layer(columns.length, 2, 1)], output: 'softmax' });
    expect(denseHeadFromBytes(bytes(Int32Array.from([1, 3, 5])))).toBeDefined();
    expect(denseHeadFromBytes(bytes(Int32Array.from([3, 1, 5])))).toBeUndefined();
    const g = new GraphBuilder('eps');
    const x = g.input('features', 'float32', ['N', 4]);
    const kept = g.node('Gather', [x, g.initializer('kept', Int32Array.from([0, 2]), [2])], { axis: 1 });
    const sum = g.node('Add', [g.node('MatMul', [g.node('Mul', [kept, kept]), g.initializer('w', Float32Array.from([1, 1]), [2, 1])]), g.initializer('b', Float32Array.from([0]), [])]);
    const n = g.node('Sqrt', [g.node('Max', [sum, g.initializer('e', Float32Array.from([1e-3]), [])])]);
    const logits = g.node('Gemm', [g.node('Div', [kept, n]), g.initializer('W', seededFloats(4, 1), [2, 2]), g.initializer('B', seededFloats(2, 2), [2])]);
    g.output(g.node('Softmax', [logits], { axis: 1 }), 'float32', ['N', 2], 'probs');
    expect(denseHeadFromBytes(encodeModel(g.toModel({ opset: 17 })))).toBeUndefined();
  });

  it('declines graphs that are not exactly a Gemm chain ending in Softmax or Sigmoid', () => {
    const scaled = new GraphBuilder('scaled');
    const x = scaled.input('features', 'float32', ['N', 4]);
    const logits = scaled.node('Gemm', [x, scaled.initializer('W', seededFloats(8, 1), [4, 2]), scaled.initializer('B', seededFloats(2, 2), [2])], { alpha: attr.float(2) });
    scaled.output(scaled.node('Softmax', [logits], { axis: 1 }), 'float32', ['N', 2], 'probs');
    expect(denseHeadFromBytes(encodeModel(scaled.toModel({ opset: 17 })))).toBeUndefined();

    const bare = new GraphBuilder('bare');
    const y = bare.input('features', 'float32', ['N', 4]);
    bare.output(bare.node('Gemm', [y, bare.initializer('W', seededFloats(8, 1), [4, 2]), bare.initializer('B', seededFloats(2, 2), [2])]), 'float32', ['N', 2], 'probs');
    expect(denseHeadFromBytes(encodeModel(bare.toModel({ opset: 17 })))).toBeUndefined();

    const weights = seededFloats(8, 1);
    weights[3] = Number.NaN;
    expect(denseHeadFromBytes(headModel({ layers: [{ inputs: 4, outputs: 2, weights, bias: new Float32Array(2), activation: 'linear' }], output: 'softmax' }))).toBeUndefined();
  });
});
