import type { FeatureMatrix } from './feature-matrix';
import { keptPosition } from '../../core/heads/input-selection';
import { lbfgs } from './lbfgs';

export interface LogisticOptions {
  /** Inverse regularisation strength, as in scikit-learn: C·Σ loss + ½‖W‖². */
  C: number;
  /** Multiplies the dense block; 0 leaves it out. */
  denseScale: number;
  /** Whether the sparse block enters (as it is: any weighting, e.g. TF-IDF, is already in its values). */
  sparse: boolean;
  /** Weigh classes by n / (K · n_class). */
  balanced: boolean;
  /** Warm start: an earlier fit with the same blocks. */
  init?: LogisticModel;
}

/**
 * Fitted multinomial logistic regression on the scaled blocks, over the columns training used:
 * params = [W (active × K) row-major, b (K)]; every other column's weights are zero.
 */
export interface LogisticModel {
  /** Input columns (dense block first, then sparse) with a non-zero training value, ascending. */
  active: Int32Array;
  params: Float64Array;
  classes: number;
  denseDim: number;
  sparseDim: number;
  options: LogisticOptions;
}

/** Both blocks, scaled, as one row-major list of (column, value) entries: one tight loop serves
 * the forward and the backward pass. */
interface ScaledRows {
  rowStart: Int32Array;
  columns: Int32Array;
  values: Float64Array;
}

/**
 * Renumbers columns to those that occur in the rows. A column no row uses has zero gradient but
 * for the L2 term, so from zero it stays zero: solving in the compact space is exact, and with a
 * few dozen texts over 2^18 hashed buckets it is orders of magnitude less work per iteration.
 * Marking a width-long array costs about as much as sorting a few dozen texts' non-zeros, and far
 * less than sorting a thousand texts'.
 */
function compactColumns(rows: ScaledRows, width: number): Int32Array {
  // Marks first (1 = used), then each used column's index among the active ones.
  const position = new Int32Array(width);
  for (let p = 0; p < rows.columns.length; p++) position[rows.columns[p]!] = 1;
  let count = 0;
  for (let c = 0; c < width; c++) count += position[c]!;
  const active = new Int32Array(count);
  for (let c = 0, i = 0; c < width; c++) {
    if (position[c] === 0) continue;
    position[c] = i;
    active[i++] = c;
  }
  for (let p = 0; p < rows.columns.length; p++) rows.columns[p] = position[rows.columns[p]!]!;
  return active;
}

function scaledRows(matrix: FeatureMatrix, denseDim: number, sparseDim: number, options: LogisticOptions): ScaledRows {
  const sparse = sparseDim ? matrix.sparse! : null;
  const rowStart = new Int32Array(matrix.rows + 1);
  for (let r = 0; r < matrix.rows; r++) rowStart[r + 1] = rowStart[r]! + denseDim + (sparse ? sparse.rowStart[r + 1]! - sparse.rowStart[r]! : 0);
  const columns = new Int32Array(rowStart[matrix.rows]!);
  const values = new Float64Array(rowStart[matrix.rows]!);
  for (let r = 0; r < matrix.rows; r++) {
    let at = rowStart[r]!;
    for (let j = 0; j < denseDim; j++, at++) {
      columns[at] = j;
      values[at] = matrix.dense!.values[r * denseDim + j]! * options.denseScale;
    }
    if (sparse) {
      for (let p = sparse.rowStart[r]!; p < sparse.rowStart[r + 1]!; p++, at++) {
        columns[at] = denseDim + sparse.indices[p]!;
        values[at] = sparse.values[p]!;
      }
    }
  }
  return { rowStart, columns, values };
}

function blockDims(matrix: FeatureMatrix, options: LogisticOptions): { denseDim: number; sparseDim: number } {
  return {
    denseDim: options.denseScale > 0 && matrix.dense ? matrix.dense.dim : 0,
    sparseDim: options.sparse && matrix.sparse ? matrix.sparse.dim : 0,
  };
}

/** Row r's softmax probabilities into out[o … o + K). */
function rowSoftmax(rows: ScaledRows, r: number, params: Float64Array, K: number, biasAt: number, out: Float64Array, o: number): void {
  const { rowStart, columns, values } = rows;
  for (let k = 0; k < K; k++) out[o + k] = params[biasAt + k]!;
  for (let p = rowStart[r]!; p < rowStart[r + 1]!; p++) {
    const x = values[p]!;
    const base = columns[p]! * K;
    for (let k = 0; k < K; k++) out[o + k]! += x * params[base + k]!;
  }
  let max = -Infinity;
  for (let k = 0; k < K; k++) max = Math.max(max, out[o + k]!);
  let sum = 0;
  for (let k = 0; k < K; k++) sum += out[o + k] = Math.exp(out[o + k]! - max);
  for (let k = 0; k < K; k++) out[o + k]! /= sum;
}

export function fitLogistic(matrix: FeatureMatrix, labels: Int32Array, classes: number, options: LogisticOptions): LogisticModel {
  const { denseDim, sparseDim } = blockDims(matrix, options);
  const rows = scaledRows(matrix, denseDim, sparseDim, options);
  const active = compactColumns(rows, denseDim + sparseDim);
  const K = classes;
  const n = matrix.rows;
  const counts = new Float64Array(K);
  for (const label of labels) counts[label]! += 1;
  const weight = Float64Array.from(labels, (label) => (options.balanced ? n / (K * counts[label]!) : 1));
  const lambda = 1 / (options.C * n);
  const biasAt = active.length * K;
  const probs = new Float64Array(n * K);

  // Forward and backward in one pass per row, while the row's entries are in cache.
  const objective = (params: Float64Array, grad: Float64Array): number => {
    let loss = 0;
    grad.fill(0);
    for (let r = 0; r < n; r++) {
      const o = r * K;
      rowSoftmax(rows, r, params, K, biasAt, probs, o);
      loss -= weight[r]! * Math.log(Math.max(probs[o + labels[r]!]!, 1e-300));
      const w = weight[r]! / n;
      for (let k = 0; k < K; k++) {
        probs[o + k] = w * (probs[o + k]! - (labels[r] === k ? 1 : 0));
        grad[biasAt + k]! += probs[o + k]!;
      }
      for (let p = rows.rowStart[r]!; p < rows.rowStart[r + 1]!; p++) {
        const x = rows.values[p]!;
        const base = rows.columns[p]! * K;
        for (let k = 0; k < K; k++) grad[base + k]! += x * probs[o + k]!;
      }
    }
    let penalty = 0;
    for (let i = 0; i < biasAt; i++) {
      penalty += params[i]! * params[i]!;
      grad[i]! += lambda * params[i]!;
    }
    return loss / n + 0.5 * lambda * penalty;
  };

  const compact = new Float64Array(biasAt + K);
  const init = options.init;
  if (init) {
    active.forEach((c, i) => {
      const at = keptPosition(init.active, c);
      if (at >= 0) compact.set(init.params.subarray(at * K, (at + 1) * K), i * K);
    });
    compact.set(init.params.subarray(init.active.length * K), biasAt);
  }
  lbfgs(objective, compact);
  return { active, params: compact, classes, denseDim, sparseDim, options: { ...options, init: undefined } };
}

/** The weight of input `column` for class k: zero for a column training never used. */
export function weightOf(model: LogisticModel, column: number, k: number): number {
  const at = keptPosition(model.active, column);
  return at < 0 ? 0 : model.params[at * model.classes + k]!;
}

/** Class probabilities [rows × K]. */
export function predictLogistic(model: LogisticModel, matrix: FeatureMatrix): Float64Array {
  const out = new Float64Array(matrix.rows * model.classes);
  const rows = scaledRows(matrix, model.denseDim, model.sparseDim, model.options);
  // Columns outside training's active set have zero weight: drop them, renumber the rest. A
  // search per non-zero: held-out rows are few, and a width-long map would be 1 MiB per call.
  let kept = 0;
  for (let r = 0, p = 0; r + 1 < rows.rowStart.length; r++) {
    const end = rows.rowStart[r + 1]!;
    for (; p < end; p++) {
      const c = keptPosition(model.active, rows.columns[p]!);
      if (c < 0) continue;
      rows.columns[kept] = c;
      rows.values[kept++] = rows.values[p]!;
    }
    rows.rowStart[r + 1] = kept;
  }
  const biasAt = model.active.length * model.classes;
  for (let r = 0; r < matrix.rows; r++) rowSoftmax(rows, r, model.params, model.classes, biasAt, out, r * model.classes);
  return out;
}
