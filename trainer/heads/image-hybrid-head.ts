import type { BackboneFeature, FeatureBlock, PixelsFeature } from '../../core/schemas/feature-block';
import { argmaxRows, classificationMetrics } from '../eval/classification-metrics';
import type { HeadOutcome } from './head-outcome';
import { trainImageHybrid, type ImageCandidate } from './train-image-hybrid';

/** Rows checked against the exported ONNX: enough to catch any export bug. */
const REFERENCE_ROWS = 256;

/** The head's raw input for the first `rows` images: the chosen blocks side by side, as the edge builds it. */
function rawRows(parts: readonly { dim: number; values: Float32Array }[], rows: number): Float32Array {
  const width = parts.reduce((sum, p) => sum + p.dim, 0);
  const out = new Float32Array(rows * width);
  for (let r = 0; r < rows; r++) {
    let offset = 0;
    for (const { dim, values } of parts) {
      out.set(values.subarray(r * dim, (r + 1) * dim), r * width + offset);
      offset += dim;
    }
  }
  return out;
}

const describe = (c: ImageCandidate) => (c.blocks === 'both' ? `backbone (weight ${c.backboneScale}) and pixels` : c.blocks === 'backbone' ? 'backbone only' : 'pixels only');

/**
 * The default image head: backbone embeddings and a small thumbnail's pixels, whose mix
 * cross-validation picks on the tenant's own images (pixels win on few, simple images; the
 * backbone on photos and on more labels). Metrics are out-of-fold; with a single image of some
 * label there are none, and the default mix is fitted.
 */
export function imageHybridHead(
  backbone: BackboneFeature,
  embeddings: Float32Array,
  pixels: { block: PixelsFeature; values: Float32Array },
  labels: Int32Array,
  names: readonly string[],
  seed: number,
): HeadOutcome {
  const classes = names.length;
  const result = trainImageHybrid({ labels, classes, backbone: { dim: backbone.dim, values: embeddings }, pixels: { dim: pixels.block.dim, values: pixels.values } }, seed, REFERENCE_ROWS);
  const { choice, cv } = result;
  const embeddingPart = { block: backbone as FeatureBlock, dim: backbone.dim, values: embeddings };
  const pixelPart = { block: pixels.block as FeatureBlock, dim: pixels.block.dim, values: pixels.values };
  const parts = choice.blocks === 'both' ? [embeddingPart, pixelPart] : choice.blocks === 'backbone' ? [embeddingPart] : [pixelPart];
  const table = (cv?.scores ?? [])
    .map((s, i) => `<tr><td>${i === cv!.chosen ? '<b>' : ''}${s.blocks}${i === cv!.chosen ? '</b>' : ''}</td><td>${s.blocks === 'both' ? s.backboneScale : '–'}</td><td>${s.C}</td><td>${s.accuracy.toFixed(4)}</td><td>${s.logLoss.toFixed(4)}</td></tr>`)
    .join('');
  const pixelsNote = `pixels: ${pixels.block.side} × ${pixels.block.side} ${pixels.block.channels === 1 ? 'grey' : 'RGB'}`;
  return {
    spec: result.spec,
    blocks: parts.map((p) => p.block),
    metrics: cv ? classificationMetrics(labels, argmaxRows(Float32Array.from(cv.outOfFold), classes), names) : undefined,
    training: {
      evaluation: cv
        ? `${cv.folds}-fold cross-validation${cv.repeats > 1 ? `, repeated ${cv.repeats} times` : ''} (out-of-fold predictions)`
        : 'none: a label has a single image, so nothing can be held out (the default mix was fitted)',
      choice: {
        blocks: choice.blocks,
        backbone_scale: choice.backboneScale,
        C: choice.C,
        pixels: { side: pixels.block.side, channels: pixels.block.channels },
        ...(cv ? { cv_accuracy: Number(cv.scores[cv.chosen]!.accuracy.toFixed(4)) } : {}),
      },
    },
    history: [],
    reportSections: [
      `<h2>Head selection</h2><p>Chosen: <b>${describe(choice)}</b>, C = ${choice.C} (${pixelsNote}).</p>` +
        (cv
          ? `<table><tr><th>blocks</th><th>backbone weight</th><th>C</th><th>CV accuracy</th><th>CV log-loss</th></tr>${table}</table>`
          : '<p>Some label has a single image, so no candidate could be held out and judged: label a second image of each to let cross-validation choose.</p>'),
    ],
    reference: { features: rawRows(parts, result.reference.rows), rows: result.reference.rows, probs: Float32Array.from(result.reference.probs) },
  };
}
