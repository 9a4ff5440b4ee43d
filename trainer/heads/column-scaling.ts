/** Per-column centring and scaling of a dense block, fitted on the tenant's rows. */
export interface ColumnScaling {
  mean: Float64Array;
  scale: Float64Array;
}

/**
 * Column means and standard deviations, each deviation floored at `floor` × the block's RMS
 * deviation (in quadrature): a column that barely varies on a few labelled images (a border
 * pixel, a dead channel) is not blown up into a feature as loud as any other.
 */
export function fitColumnScaling(values: Float32Array, rows: number, dim: number, floor: number): ColumnScaling {
  const mean = new Float64Array(dim);
  const variance = new Float64Array(dim);
  for (let r = 0; r < rows; r++) for (let j = 0; j < dim; j++) mean[j]! += values[r * dim + j]!;
  for (let j = 0; j < dim; j++) mean[j]! /= rows;
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < dim; j++) {
      const d = values[r * dim + j]! - mean[j]!;
      variance[j]! += d * d;
    }
  }
  let total = 0;
  for (let j = 0; j < dim; j++) total += variance[j]! /= rows;
  const floorVariance = (floor * floor * total) / dim;
  // A block constant over every row carries nothing; scale 1 keeps it finite (its weights stay 0).
  const scale = Float64Array.from(variance, (v) => Math.sqrt(v + floorVariance) || 1);
  return { mean, scale };
}

/** (value − mean) / scale of every row, float64 [rows × dim]. */
export function scaleColumns(values: Float32Array, rows: number, dim: number, scaling: ColumnScaling): Float64Array {
  const out = new Float64Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < dim; j++) out[r * dim + j] = (values[r * dim + j]! - scaling.mean[j]!) / scaling.scale[j]!;
  }
  return out;
}
