import type { BackboneFeature, FeatureBlock, HashedNgramsFeature } from '../../core/schemas/feature-block';
import { argmaxRows, classificationMetrics } from '../eval/classification-metrics';
import { hashedNgramMatrix } from '../features/ngram-matrix';
import { svgLineChart } from '../report/svg-line-chart';
import { selectRows, type FeatureMatrix } from './feature-matrix';
import type { HeadOutcome } from './head-outcome';
import { curveAdvice, learningCurve } from './learning-curve';
import { HYBRID_GRID, hybridProbabilities, ngramsKey, trainHybrid, type HybridCandidate } from './train-hybrid';

/** Rows checked against the exported ONNX: enough to catch any export bug; ONNX Runtime gets
 * them dense, so fewer for wider inputs (≈ 64 MB of float32 at most). */
const REFERENCE_VALUES = 1 << 24;
const MAX_REFERENCE_ROWS = 256;
/**
 * Hashed buckets: as many as the schema allows, so that a tenant's vocabulary rarely collides (at
 * 16k buckets collisions cost 1–2 points against an exact vocabulary on our curves). The head
 * keeps only the columns its training texts use, so its size follows the vocabulary, not this.
 */
const HASH_DIM = 1 << 18;

export function hashedBlock(ngrams: readonly number[]): HashedNgramsFeature {
  return { source: 'hashed-ngrams', dim: HASH_DIM, ngrams: [...ngrams] };
}

/** The training matrices every candidate of the grid needs: the backbone block beside each
 * lexical variant, keyed by `ngramsKey`. */
export function hybridVariants(dense: NonNullable<FeatureMatrix['dense']>, texts: readonly string[], grid: readonly HybridCandidate[] = HYBRID_GRID): Map<string, FeatureMatrix> {
  const variants = new Map<string, FeatureMatrix>();
  for (const { ngrams } of grid) {
    const key = ngramsKey(ngrams);
    if (!variants.has(key)) variants.set(key, { rows: texts.length, dense, sparse: hashedNgramMatrix(texts, hashedBlock(ngrams)) });
  }
  return variants;
}

/** Dense head input (the blocks side by side) for some rows, as the edge will build it. */
export function denseRows(matrix: FeatureMatrix, blocks: readonly FeatureBlock[]): Float32Array {
  const width = blocks.reduce((sum, b) => sum + b.dim, 0);
  const out = new Float32Array(matrix.rows * width);
  for (let r = 0; r < matrix.rows; r++) {
    let offset = 0;
    for (const block of blocks) {
      if (block.source === 'hashed-ngrams') {
        const { rowStart, indices, values } = matrix.sparse!;
        for (let p = rowStart[r]!; p < rowStart[r + 1]!; p++) out[r * width + offset + indices[p]!] = values[p]!;
      } else {
        out.set(matrix.dense!.values.subarray(r * block.dim, (r + 1) * block.dim), r * width + offset);
      }
      offset += block.dim;
    }
  }
  return out;
}

/**
 * The default head: backbone features and a hashed word/bigram TF-IDF block, whose mix and
 * regularisation cross-validation picks on the tenant's own labels. Metrics are out-of-fold.
 */
export function hybridHead(backbone: BackboneFeature, embeddings: Float32Array, texts: readonly string[], labels: Int32Array, names: readonly string[], seed: number): HeadOutcome {
  const classes = names.length;
  const variants = hybridVariants({ dim: backbone.dim, values: embeddings }, texts);
  const result = trainHybrid(variants, labels, classes, seed);
  const { choice } = result;
  const ngrams = hashedBlock(choice.ngrams);
  const matrix = variants.get(ngramsKey(choice.ngrams))!;
  const blocks: FeatureBlock[] = choice.blocks === 'backbone' ? [backbone] : choice.blocks === 'ngrams' ? [ngrams] : [backbone, ngrams];

  const curve = learningCurve(matrix, labels, classes, choice, seed);
  const advice = curveAdvice(curve);
  const chart = svgLineChart('learning curve', 'labelled examples', [{ name: 'cross-validated accuracy', color: '#2ca02c', points: curve.map((p) => ({ x: p.examples, y: p.accuracy })) }]);
  const table = result.scores
    .map((s) => `<tr><td>${s.blocks}</td><td>${s.ngrams.join('+')}</td><td>${s.blocks === 'both' ? s.backboneScale : '–'}</td><td>${s.C}</td><td>${s.accuracy.toFixed(4)}</td><td>${s.logLoss.toFixed(4)}</td></tr>`)
    .join('');

  const width = blocks.reduce((sum, b) => sum + b.dim, 0);
  const sample = selectRows(matrix, [...Array(Math.min(MAX_REFERENCE_ROWS, Math.max(1, Math.floor(REFERENCE_VALUES / width)), texts.length)).keys()]);
  return {
    spec: result.spec,
    blocks,
    metrics: classificationMetrics(labels, argmaxRows(Float32Array.from(result.outOfFold[0]!), classes), names),
    training: {
      evaluation: `${result.folds}-fold cross-validation${result.repeats > 1 ? `, repeated ${result.repeats} times` : ''} (out-of-fold predictions)`,
      choice: { blocks: choice.blocks, ngrams: choice.ngrams, backbone_scale: choice.backboneScale, C: choice.C, cv_accuracy: Number(choice.accuracy.toFixed(4)) },
      learning_curve: curve.map((p) => ({ examples: p.examples, accuracy: Number(p.accuracy.toFixed(4)) })),
      advice,
    },
    history: [],
    reportSections: [
      `<h2>Learning curve</h2>\n${chart}\n<p>${advice}</p>`,
      `<h2>Head selection</h2><p>Chosen: <b>${choice.blocks}</b>${choice.blocks === 'both' ? `, backbone weight ${choice.backboneScale}` : ''}, word n-grams ${choice.ngrams.join('+')}, C = ${choice.C}.</p><table><tr><th>blocks</th><th>n-grams</th><th>backbone weight</th><th>C</th><th>CV accuracy</th><th>CV log-loss</th></tr>${table}</table>`,
    ],
    reference: { features: denseRows(sample, blocks), rows: sample.rows, probs: Float32Array.from(hybridProbabilities(result, sample)) },
  };
}
