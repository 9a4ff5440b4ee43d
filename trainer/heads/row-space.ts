import type { FeatureMatrix } from './feature-matrix';
import type { LogisticOptions } from './logistic-regression';

/** A dense block of training rows, already centred and scaled, float64 [rows × dim]. */
export interface ScaledBlock {
  dim: number;
  values: Float64Array;
  /** Its Gram matrix [rows × rows], computed once when first needed and shared by every mix. */
  gram?: Float64Array;
}

/** A logistic regression's input in row-space coordinates, and the way back to column weights. */
export interface RowSpace {
  matrix: FeatureMatrix;
  options: Pick<LogisticOptions, 'denseScale' | 'sparse'>;
  /** Weights over the coordinates [coordinates × K] → weights over each block's columns [dim × K]. */
  blockWeights(z: Float64Array, classes: number): Float64Array[];
}

function gramOf(block: ScaledBlock, rows: number): Float64Array {
  if (block.gram) return block.gram;
  const { dim, values } = block;
  const gram = new Float64Array(rows * rows);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = 0;
      for (let c = 0, a = i * dim, b = j * dim; c < dim; c++) sum += values[a + c]! * values[b + c]!;
      gram[i * rows + j] = sum;
      gram[j * rows + i] = sum;
    }
  }
  block.gram = gram;
  return gram;
}

/** A row this close to the span of the rows before it (residual² over its norm²) is in that span. */
const DEPENDENT = 1e-9;

/**
 * Lower-triangular L with LLᵀ = G for a positive semi-definite Gram matrix. A row in the span of
 * earlier ones (centring makes the rows sum to zero; duplicate images) gets no coordinate of its
 * own: its column of L is zero, so every coordinate is a real direction of the data.
 */
function cholesky(gram: Float64Array, n: number): Float64Array {
  const L = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let pivot = gram[j * n + j]!;
    for (let k = 0; k < j; k++) pivot -= L[j * n + k]! * L[j * n + k]!;
    if (!(pivot > DEPENDENT * gram[j * n + j]!)) continue;
    const d = Math.sqrt(pivot);
    L[j * n + j] = d;
    for (let i = j + 1; i < n; i++) {
      let sum = gram[i * n + j]!;
      for (let k = 0; k < j; k++) sum -= L[i * n + k]! * L[j * n + k]!;
      L[i * n + j] = sum / d;
    }
  }
  return L;
}

/**
 * Coordinates of the rows of X = [w₁·B₁, w₂·B₂, …] for an L2-penalised logistic regression. Its
 * weights lie in the span of the rows (the loss's gradient does, and the penalty removes anything
 * else), and |W|² is the same in any orthonormal basis of that span, so fitting on coordinates is
 * exact. With fewer rows than columns the coordinates are L, from XXᵀ = Σ wᵢ²BᵢBᵢᵀ = LLᵀ: rows ×
 * rows, lower-triangular (kept sparse), instead of rows × thousands of columns; a few labelled
 * images then fit an order of magnitude faster. Otherwise the coordinates are X itself.
 */
export function rowSpace(blocks: readonly { block: ScaledBlock; weight: number }[], rows: number): RowSpace {
  const width = blocks.reduce((sum, b) => sum + b.block.dim, 0);
  if (rows >= width) {
    const values = new Float32Array(rows * width);
    for (let r = 0; r < rows; r++) {
      let offset = 0;
      for (const { block, weight } of blocks) {
        for (let c = 0; c < block.dim; c++) values[r * width + offset + c] = weight * block.values[r * block.dim + c]!;
        offset += block.dim;
      }
    }
    return {
      matrix: { rows, dense: { dim: width, values }, sparse: null },
      options: { denseScale: 1, sparse: false },
      blockWeights: (z, K) => {
        let offset = 0;
        return blocks.map(({ block, weight }) => {
          const w = Float64Array.from(z.subarray(offset * K, (offset + block.dim) * K), (v) => v * weight);
          offset += block.dim;
          return w;
        });
      },
    };
  }
  const gram = new Float64Array(rows * rows);
  for (const { block, weight } of blocks) {
    const g = gramOf(block, rows);
    for (let i = 0; i < gram.length; i++) gram[i]! += weight * weight * g[i]!;
  }
  const L = cholesky(gram, rows);
  const rowStart = new Int32Array(rows + 1);
  const indices: number[] = [];
  const values: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c <= r; c++) {
      if (L[r * rows + c] === 0) continue;
      indices.push(c);
      values.push(L[r * rows + c]!);
    }
    rowStart[r + 1] = indices.length;
  }
  return {
    matrix: { rows, dense: null, sparse: { dim: rows, rowStart, indices: Int32Array.from(indices), values: Float32Array.from(values) } },
    options: { denseScale: 0, sparse: true },
    blockWeights: (z, K) => {
      // W = Xᵀ L⁻ᵀ z over the rows that have a coordinate: back-substitute β = L⁻ᵀ z (zero for
      // dependent rows), then each block's columns are wᵢ·Bᵢᵀβ.
      const beta = new Float64Array(rows * K);
      for (let i = rows - 1; i >= 0; i--) {
        if (L[i * rows + i] === 0) continue;
        for (let k = 0; k < K; k++) {
          let sum = z[i * K + k]!;
          for (let j = i + 1; j < rows; j++) sum -= L[j * rows + i]! * beta[j * K + k]!;
          beta[i * K + k] = sum / L[i * rows + i]!;
        }
      }
      return blocks.map(({ block, weight }) => {
        const w = new Float64Array(block.dim * K);
        for (let r = 0; r < rows; r++) {
          for (let c = 0; c < block.dim; c++) {
            const x = weight * block.values[r * block.dim + c]!;
            for (let k = 0; k < K; k++) w[c * K + k]! += x * beta[r * K + k]!;
          }
        }
        return w;
      });
    },
  };
}
