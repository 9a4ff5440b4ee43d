import { attr } from '../../core/onnx/graph-attributes';
import { encodeModel } from '../../core/onnx/encode-model';
import { GraphBuilder } from '../../core/onnx/graph-builder';

// Guards the divisions for texts with no known word: their embedding is the zero vector.
const EPSILON = 1e-12;

/**
 * The `text-bag-of-ids/v1` backbone graph. Inputs: `ids` int32 [N, L] (distinct vocabulary ids,
 * 0 = padding) and `counts` float32 [N, L]. Output: `embedding` float32 [N, dim], the SIF-weighted
 * mean of the word vectors, L2-normalised. Lookups happen inside the graph so the edge only
 * tokenizes.
 */
export function textBackboneModel(vectors: Float32Array, weights: Float32Array, dim: number, metadata: Record<string, string>): Uint8Array {
  const rows = weights.length;
  const g = new GraphBuilder('text_bag_of_ids');
  const ids = g.input('ids', 'int32', ['N', 'L']);
  const counts = g.input('counts', 'float32', ['N', 'L']);
  const table = g.initializer('word_vectors', vectors, [rows, dim]);
  const sif = g.initializer('sif_weights', weights, [rows]);
  const axis1 = g.initializer('axis_1', new BigInt64Array([1n]), [1]);
  const eps = g.initializer('epsilon', new Float32Array([EPSILON]), []);

  const tokenWeights = g.node('Mul', [g.node('Gather', [sif, ids], { axis: 0 }), counts]);
  const wordVectors = g.node('Gather', [table, ids], { axis: 0 });
  // [N, 1, L] × [N, L, dim] → [N, 1, dim]: the weighted sum in one pass, no [N, L, dim] product.
  const weighted = g.node('MatMul', [g.node('Unsqueeze', [tokenWeights, axis1]), wordVectors]);
  const sum = g.node('Squeeze', [weighted, axis1]);
  const total = g.node('ReduceSum', [tokenWeights, axis1], { keepdims: 1 });
  const mean = g.node('Div', [sum, g.node('Max', [total, eps])]);
  const norm = g.node('ReduceL2', [mean], { axes: attr.ints([1]), keepdims: 1 });
  const embedding = g.node('Div', [mean, g.node('Max', [norm, eps])]);
  g.output(embedding, 'float32', ['N', dim], 'embedding');
  return encodeModel(g.toModel({ opset: 17, producer: 'graft', metadata }));
}
