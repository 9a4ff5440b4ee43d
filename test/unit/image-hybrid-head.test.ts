import { describe, expect, it } from 'vitest';
import { headModel } from '../../core/heads/head-model';
import type { BackboneFeature } from '../../core/schemas/feature-block';
import { runHead } from '../../trainer/adapters/run-head';
import { pixelsBlock } from '../../trainer/features/tenant-pixels';
import { fitColumnScaling, scaleColumns } from '../../trainer/heads/column-scaling';
import { imageHybridHead } from '../../trainer/heads/image-hybrid-head';
import { fitLogistic, predictLogistic } from '../../trainer/heads/logistic-regression';
import { DEFAULT_IMAGE_CANDIDATE, IMAGE_GRID, SCALE_FLOOR, trainImageHybrid, type ImageCandidate, type ImageHybridData } from '../../trainer/heads/train-image-hybrid';
import { seededRandom } from '../../trainer/random';

const BACKBONE: BackboneFeature = { source: 'test-backbone', sha256: '0'.repeat(64), dim: 40 };
const PIXELS = pixelsBlock(1);
const NAMES = ['a', 'b', 'c'];

/** Three classes, each with its own pattern in both blocks, plus noise; non-negative like ReLU features and pixels. */
function images(perClass: number, seed: number, pixelDim: number = PIXELS.dim): ImageHybridData {
  const random = seededRandom(seed);
  const rows = perClass * NAMES.length;
  const labels = Int32Array.from({ length: rows }, (_, i) => i % NAMES.length);
  const block = (dim: number, signal: number) =>
    Float32Array.from({ length: rows * dim }, (_, i) => Math.max(0, (labels[Math.floor(i / dim)]! === (i % dim) % NAMES.length ? signal : 0) + random() - 0.3));
  return { labels, classes: NAMES.length, backbone: { dim: BACKBONE.dim, values: block(BACKBONE.dim, 0.5) }, pixels: { dim: pixelDim, values: block(pixelDim, 0.4) } };
}

function concat(data: ImageHybridData, blocks: ImageCandidate['blocks']): Float32Array {
  const parts = blocks === 'both' ? [data.backbone, data.pixels] : [blocks === 'backbone' ? data.backbone : data.pixels];
  const width = parts.reduce((sum, p) => sum + p.dim, 0);
  const rows = data.labels.length;
  const out = new Float32Array(rows * width);
  for (let r = 0; r < rows; r++) {
    let offset = 0;
    for (const p of parts) {
      out.set(p.values.subarray(r * p.dim, (r + 1) * p.dim), r * width + offset);
      offset += p.dim;
    }
  }
  return out;
}

const maxGap = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i]!)));

describe('image hybrid head', () => {
  it('exports one Gemm whose ONNX Runtime probabilities match the trainer to 1e-5, for every block choice', async () => {
    // 30 rows < 824 columns (Gram coordinates) and, with a 4 × 4 thumbnail, 300 rows > 56 columns (the columns themselves).
    for (const data of [images(10, 1), images(100, 2, 16)]) {
      for (const candidate of [{ blocks: 'backbone', backboneScale: 1, C: 0.1 }, { blocks: 'pixels', backboneScale: 0, C: 0.1 }, { blocks: 'both', backboneScale: 2, C: 1 }] as const) {
        const result = trainImageHybrid(data, 1, 256, [candidate]);
        expect(result.choice).toEqual(candidate);
        const rows = result.reference.rows;
        const onnx = await runHead(headModel(result.spec), concat(data, candidate.blocks).slice(0, rows * result.spec.layers[0]!.inputs), rows);
        expect(maxGap(onnx, result.reference.probs), `${candidate.blocks}, ${data.labels.length} rows`).toBeLessThan(1e-5);
      }
    }
  });

  it('fits in row-space coordinates exactly what a fit over the standardised columns gives', () => {
    const data = images(8, 3);
    const rows = data.labels.length;
    const result = trainImageHybrid(data, 1, rows, [DEFAULT_IMAGE_CANDIDATE]);
    // The same model fitted directly on the 824 centred and scaled columns (as trained).
    const width = BACKBONE.dim + PIXELS.dim;
    const scaled = [data.backbone, data.pixels].map((b) => scaleColumns(b.values, rows, b.dim, fitColumnScaling(b.values, rows, b.dim, SCALE_FLOOR)));
    const values = new Float32Array(rows * width);
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < BACKBONE.dim; j++) values[r * width + j] = scaled[0]![r * BACKBONE.dim + j]!;
      for (let j = 0; j < PIXELS.dim; j++) values[r * width + BACKBONE.dim + j] = scaled[1]![r * PIXELS.dim + j]!;
    }
    const matrix = { rows, dense: { dim: width, values }, sparse: null };
    const direct = predictLogistic(fitLogistic(matrix, data.labels, 3, { C: DEFAULT_IMAGE_CANDIDATE.C, denseScale: 1, sparse: false, balanced: true }), matrix);
    expect(maxGap(result.reference.probs, direct)).toBeLessThan(1e-4);
  });

  it('is deterministic: the same seed gives the same ONNX bytes', () => {
    const data = images(6, 4);
    const a = headModel(trainImageHybrid(data, 9, 16).spec);
    const b = headModel(trainImageHybrid(data, 9, 16).spec);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });

  it('cross-validates the grid and reports out-of-fold metrics', () => {
    const data = images(12, 5);
    const outcome = imageHybridHead(BACKBONE, data.backbone.values, { block: PIXELS, values: data.pixels.values }, data.labels, NAMES, 3);
    const choice = outcome.training.choice as { blocks: string; cv_accuracy: number };
    expect(outcome.metrics!.examples).toBe(36);
    expect(outcome.metrics!.accuracy).toBeGreaterThan(0.8);
    expect(choice.cv_accuracy).toBeGreaterThan(0.8);
    expect(outcome.blocks).toEqual(choice.blocks === 'both' ? [BACKBONE, PIXELS] : [choice.blocks === 'backbone' ? BACKBONE : PIXELS]);
    expect(outcome.reportSections.join('').match(/<tr><td>/g)).toHaveLength(IMAGE_GRID.length);
  });

  it('trains on one image per label: no cross-validation, the default mix, no metrics', async () => {
    const data = images(1, 6);
    const outcome = imageHybridHead(BACKBONE, data.backbone.values, { block: PIXELS, values: data.pixels.values }, data.labels, NAMES, 3);
    expect(outcome.metrics).toBeUndefined();
    expect(outcome.blocks).toEqual([BACKBONE, PIXELS]);
    expect(outcome.training.evaluation).toMatch(/single image/);
    const onnx = await runHead(headModel(outcome.spec), outcome.reference.features, outcome.reference.rows);
    expect(maxGap(onnx, outcome.reference.probs)).toBeLessThan(1e-5);
    // Each training image is classified as its own label.
    for (let r = 0; r < 3; r++) expect(Array.from(onnx.subarray(r * 3, r * 3 + 3)).indexOf(Math.max(...onnx.subarray(r * 3, r * 3 + 3)))).toBe(r);
  });
});
