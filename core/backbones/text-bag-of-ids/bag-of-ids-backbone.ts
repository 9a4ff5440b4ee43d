import { tokensOf } from '../../inputs/text-tokens';
import { decodeModel } from '../../onnx/decode-model';
import { AttributeType, DataType } from '../../onnx/onnx-enums';
import type { AttributeProto, ModelProto, NodeProto, TensorProto, ValueInfoProto } from '../../onnx/onnx-types';
import { readTensorData } from '../../onnx/tensor-data';
import type { BackboneManifest } from '../../schemas/backbone-manifest';
import { BagOfIdsBuffer, type TextBatch } from '../../text/bag-of-ids';
import type { Vocabulary } from '../../text/vocabulary';
import type { Embedder } from '../backbone-routine';

/**
 * A `text-bag-of-ids/v1` backbone whose graph is exactly what `textBackboneModel` emits, evaluated
 * in plain TypeScript: its work is a table lookup and a weighted mean, far less than the copies
 * into and out of an ONNX Runtime session, and without a session the table is not held twice.
 */
export interface BagOfIdsBackbone {
  /** Rows of the tables: vocabulary ids 0 … rows - 1. */
  rows: number;
  dim: number;
  outputName: string;
  /** SIF weight per id. */
  weights: Float32Array;
  /** Word vectors, row-major [rows, dim]. */
  vectors: Float32Array;
}

/** The graph's guard for texts with no known word (float32 of 1e-12). */
const EPSILON = Math.fround(1e-12);

// Opsets where Unsqueeze, Squeeze and ReduceSum take axes as an input and ReduceL2 as an attribute.
const MIN_OPSET = 13;
const MAX_OPSET = 17;

// Weights and vectors this large or larger could overflow ONNX Runtime's float32 sums, where
// float64 here would not: such a backbone runs in ORT.
const MAX_MAGNITUDE = 2 ** 32;

type Attributes = Record<string, number | readonly number[]>;

/** The graph's input names, as the backbone's manifest lists them. */
export interface BagOfIdsInputs {
  ids: string;
  counts: string;
}

const DEFAULT_INPUTS: BagOfIdsInputs = { ids: 'ids', counts: 'counts' };

/** The node's attributes are a subset of `allowed` (absent ones take ONNX's defaults, which are these). */
function attributesWithin(node: NodeProto, allowed: Attributes): boolean {
  return (node.attribute ?? []).every((a: AttributeProto) => {
    const expected = allowed[a.name];
    if (typeof expected === 'number') return a.type === AttributeType.INT && a.i === expected;
    return expected !== undefined && a.type === AttributeType.INTS && a.ints?.length === expected.length && a.ints.every((v, i) => v === expected[i]);
  });
}

function isRank2Input(input: ValueInfoProto | undefined, name: string, elemType: number): boolean {
  const tensor = input?.type?.tensorType;
  const dims = tensor?.shape?.dim;
  // Symbolic dims only: a fixed batch or width would make ORT refuse inputs this evaluator accepts.
  return input?.name === name && tensor?.elemType === elemType && dims?.length === 2 && dims.every((d) => d.dimValue === undefined);
}

function floats(t: TensorProto | undefined, dims: readonly number[], min: number): Float32Array | undefined {
  if (!t || t.dataType !== DataType.FLOAT || t.dims.length !== dims.length || t.dims.some((d, i) => d !== dims[i])) return undefined;
  const data = readTensorData(t) as Float32Array;
  if (data.length !== dims.reduce((a, b) => a * b, 1)) return undefined;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (!(v >= min && v < MAX_MAGNITUDE)) return undefined;
  }
  return data;
}

function isAxisOne(t: TensorProto | undefined): boolean {
  if (!t || t.dataType !== DataType.INT64 || t.dims.length !== 1 || t.dims[0] !== 1) return false;
  const data = readTensorData(t);
  return data.length === 1 && data[0] === 1n;
}

function isEpsilon(t: TensorProto | undefined): boolean {
  if (!t || t.dataType !== DataType.FLOAT || t.dims.length !== 0) return false;
  const data = readTensorData(t);
  return data.length === 1 && data[0] === EPSILON;
}

/**
 * The backbone, when `model` is exactly the graph `textBackboneModel` emits — inputs `ids` int32
 * and `counts` float32 [N, L] (under the names `names` gives); Gather of the SIF weights × counts; Gather of the word vectors;
 * Unsqueeze/MatMul/Squeeze weighted sum; ReduceSum; Div by Max(total, 1e-12); ReduceL2; Div by
 * Max(norm, 1e-12); an optional Identity naming the output — with finite tables of matching shape
 * and non-negative weights. Node order and value names are free; anything else (another op,
 * attribute, epsilon, axis, shape, an extra node) is undefined and runs in ONNX Runtime.
 */
export function bagOfIdsBackboneOf(model: ModelProto, names: BagOfIdsInputs = DEFAULT_INPUTS): BagOfIdsBackbone | undefined {
  const graph = model.graph;
  const opset = model.opsetImport.find((o) => (o.domain ?? '') === '')?.version ?? 0;
  if (!graph || opset < MIN_OPSET || opset > MAX_OPSET || (model.functions?.length ?? 0) > 0 || (graph.sparseInitializer?.length ?? 0) > 0) return undefined;
  if (graph.input.length !== 2 || graph.output.length !== 1 || graph.output[0]!.type?.tensorType?.elemType !== DataType.FLOAT) return undefined;
  const [ids, counts] = graph.input;
  if (names.ids === names.counts || !isRank2Input(ids, names.ids, DataType.INT32) || !isRank2Input(counts, names.counts, DataType.FLOAT)) return undefined;
  const isInput = (name: string) => name === names.ids || name === names.counts;

  const initializers = new Map<string, TensorProto>();
  for (const t of graph.initializer ?? []) {
    const name = t.name ?? '';
    if (initializers.has(name) || isInput(name)) return undefined;
    initializers.set(name, t);
  }
  const producers = new Map<string, NodeProto>();
  for (const node of graph.node) {
    for (const output of node.output) {
      if (producers.has(output) || initializers.has(output) || isInput(output)) return undefined;
      producers.set(output, node);
    }
  }
  const matched = new Set<NodeProto>();
  /** The inputs of the node producing `value`, when it is a plain `opType` with `arity` inputs,
   * attributes within `allowed` and every one of `required` present. */
  const from = (value: string | undefined, opType: string, arity: number, allowed: Attributes = {}, required: readonly string[] = []): string[] | undefined => {
    const node = value === undefined ? undefined : producers.get(value);
    if (!node || node.opType !== opType || (node.domain ?? '') !== '' || node.input.length !== arity || node.output.length !== 1) return undefined;
    if (!attributesWithin(node, allowed) || !required.every((name) => node.attribute?.some((a) => a.name === name))) return undefined;
    matched.add(node);
    return node.input;
  };
  const axisOne = (name: string | undefined) => name !== undefined && isAxisOne(initializers.get(name));
  const epsilon = (name: string | undefined) => name !== undefined && isEpsilon(initializers.get(name));

  const outputName = graph.output[0]!.name;
  const named = producers.get(outputName)?.opType === 'Identity' ? from(outputName, 'Identity', 1)?.[0] : outputName;
  const [mean, guardedNorm] = from(named, 'Div', 2) ?? [];
  const [norm, eps1] = from(guardedNorm, 'Max', 2) ?? [];
  // Without axes ReduceL2 would reduce over every axis.
  const [meanAgain] = from(norm, 'ReduceL2', 1, { axes: [1], keepdims: 1 }, ['axes']) ?? [];
  const [sum, guardedTotal] = from(mean, 'Div', 2) ?? [];
  const [total, eps2] = from(guardedTotal, 'Max', 2) ?? [];
  const [tokenWeights, sumAxis] = from(total, 'ReduceSum', 2, { keepdims: 1, noop_with_empty_axes: 0 }) ?? [];
  const [product, squeezeAxis] = from(sum, 'Squeeze', 2) ?? [];
  const [unsqueezed, gatheredVectors] = from(product, 'MatMul', 2) ?? [];
  const [tokenWeightsAgain, unsqueezeAxis] = from(unsqueezed, 'Unsqueeze', 2) ?? [];
  const [gatheredWeights, countsName] = from(tokenWeights, 'Mul', 2) ?? [];
  const [weightsName, ids1] = from(gatheredWeights, 'Gather', 2, { axis: 0 }) ?? [];
  const [vectorsName, ids2] = from(gatheredVectors, 'Gather', 2, { axis: 0 }) ?? [];
  if (matched.size !== graph.node.length || meanAgain !== mean || tokenWeightsAgain !== tokenWeights) return undefined;
  if (ids1 !== names.ids || ids2 !== names.ids || countsName !== names.counts) return undefined;
  if (!axisOne(sumAxis) || !axisOne(squeezeAxis) || !axisOne(unsqueezeAxis) || !epsilon(eps1) || !epsilon(eps2)) return undefined;

  const table = initializers.get(vectorsName!);
  const [rows, dim] = table?.dims ?? [];
  if (table?.dims.length !== 2 || !rows || !dim) return undefined;
  const weights = floats(initializers.get(weightsName!), [rows], 0);
  const vectors = weights && floats(table, [rows, dim], -MAX_MAGNITUDE);
  if (!weights || !vectors) return undefined;
  return { rows, dim, outputName, weights, vectors };
}

/** bagOfIdsBackboneOf on encoded ONNX bytes. */
export function bagOfIdsBackboneFromBytes(bytes: Uint8Array, names: BagOfIdsInputs = DEFAULT_INPUTS): BagOfIdsBackbone | undefined {
  return bagOfIdsBackboneOf(decodeModel(bytes), names);
}

/**
 * Adds one bag to `sum` (float64, zeroed by the caller) and returns its total weight. A token's
 * weight is rounded to float32 as the graph's Mul does; the sums stay float64.
 */
function addBag(backbone: BagOfIdsBackbone, ids: ArrayLike<number>, counts: ArrayLike<number>, start: number, end: number, sum: Float64Array): number {
  const { rows, dim, weights, vectors } = backbone;
  let total = 0;
  for (let i = start; i < end; i++) {
    const id = ids[i]!;
    if (!(id >= 0 && id < rows)) throw new RangeError(`token id ${id} is outside the backbone's ${rows} rows`);
    const w = Math.fround(weights[id]! * counts[i]!);
    // Padding (count 0) adds exactly nothing: the tables are finite.
    if (w === 0) continue;
    total += w;
    for (let d = 0, at = id * dim; d < dim; d++) sum[d]! += w * vectors[at + d]!;
  }
  return total;
}

/** Writes L2-normalise(sum / max(total, ε)) into `out` at `at`, guarding the norm by ε too. */
function writeEmbedding(sum: Float64Array, total: number, out: Float32Array, at: number): void {
  const divisor = Math.max(total, EPSILON);
  let squares = 0;
  for (let d = 0; d < sum.length; d++) {
    const mean = sum[d]! / divisor;
    sum[d] = mean;
    squares += mean * mean;
  }
  const norm = Math.max(Math.sqrt(squares), EPSILON);
  for (let d = 0; d < sum.length; d++) out[at + d] = sum[d]! / norm;
}

/** The embedding [rows, dim] of a padded batch, the backbone's ONNX inputs. */
export function evaluateBagOfIdsBackbone(backbone: BagOfIdsBackbone, batch: TextBatch): Float32Array {
  const { dim } = backbone;
  const out = new Float32Array(batch.rows * dim);
  const sum = new Float64Array(dim);
  for (let row = 0; row < batch.rows; row++) {
    sum.fill(0);
    const total = addBag(backbone, batch.ids, batch.counts, row * batch.width, (row + 1) * batch.width, sum);
    writeEmbedding(sum, total, out, row * dim);
  }
  return out;
}

/**
 * An embedder over a recognised backbone: each text's tokens (shared with the batch's other
 * blocks) bagged into buffers kept for the embedder's life (no padded batch, no Map per text),
 * one fresh output array per call.
 */
export function bagOfIdsEmbedder(manifest: BackboneManifest, vocabulary: Vocabulary, backbone: BagOfIdsBackbone): Embedder {
  if (vocabulary.size >= backbone.rows) throw new RangeError(`backbone ${manifest.id}: ${vocabulary.size} words but ${backbone.rows} table rows`);
  const bag = new BagOfIdsBuffer(vocabulary);
  const sum = new Float64Array(backbone.dim);
  return {
    manifest,
    embed: async (batch) => {
      const tokens = tokensOf(batch, manifest.id);
      const out = new Float32Array(tokens.length * backbone.dim);
      tokens.forEach((textTokens, row) => {
        sum.fill(0);
        const total = addBag(backbone, bag.ids, bag.counts, 0, bag.fill(textTokens), sum);
        writeEmbedding(sum, total, out, row * backbone.dim);
      });
      return out;
    },
  };
}
