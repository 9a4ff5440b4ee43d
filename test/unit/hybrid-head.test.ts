import { describe, expect, it } from 'vitest';
import { headModel } from '../../core/heads/head-model';
import { runHead } from '../../trainer/adapters/run-head';
import { hashedNgramMatrix } from '../../trainer/features/ngram-matrix';
import type { FeatureMatrix } from '../../trainer/heads/feature-matrix';
import { curveAdvice, learningCurve } from '../../trainer/heads/learning-curve';
import { predictLogistic } from '../../trainer/heads/logistic-regression';
import { denseRows, hybridVariants } from '../../trainer/heads/hybrid-head';
import type { FeatureBlock } from '../../core/schemas/feature-block';
import { DEFAULT_CANDIDATE, HYBRID_GRID, ngramsKey, trainHybrid, type HybridCandidate } from '../../trainer/heads/train-hybrid';
import { seededRandom } from '../../trainer/random';

const WORDS = { sport: ['match', 'goal', 'team', 'score', 'coach', 'league'], money: ['bank', 'loan', 'rate', 'price', 'stock', 'fund'], food: ['bread', 'soup', 'salt', 'cook', 'bake', 'taste'] };
const SPEC = { dim: 256, ngrams: [1, 2] };

function corpus(perClass: number, seed: number) {
  const random = seededRandom(seed);
  const names = Object.keys(WORDS) as (keyof typeof WORDS)[];
  const texts: string[] = [];
  const labels: number[] = [];
  names.forEach((name, label) => {
    for (let i = 0; i < perClass; i++) {
      const own = WORDS[name];
      const other = WORDS[names[(label + 1) % names.length]!];
      texts.push(Array.from({ length: 8 }, () => (random() < 0.7 ? own : other)[Math.floor(random() * 6)]).join(' '));
      labels.push(label);
    }
  });
  const dense = Float32Array.from({ length: texts.length * 4 }, (_, i) => (labels[Math.floor(i / 4)]! === i % 4 ? 0.6 : 0) + random() * 0.8);
  const matrix: FeatureMatrix = { rows: texts.length, dense: { dim: 4, values: dense }, sparse: hashedNgramMatrix(texts, SPEC) };
  const variants = new Map([[ngramsKey(SPEC.ngrams), matrix]]);
  return { matrix, variants, labels: Int32Array.from(labels), texts };
}

/** The feature blocks a candidate reads, in the order the head takes them. */
function blocksOf(candidate: HybridCandidate): FeatureBlock[] {
  const backbone: FeatureBlock = { source: 'test-backbone', sha256: '0'.repeat(64), dim: 4 };
  const ngrams: FeatureBlock = { source: 'hashed-ngrams', ...SPEC };
  return candidate.blocks === 'backbone' ? [backbone] : candidate.blocks === 'ngrams' ? [ngrams] : [backbone, ngrams];
}

describe('hybrid head', () => {
  it('exports to ONNX that matches the training code to 1e-5, for every block choice', async () => {
    const { matrix, variants, labels } = corpus(20, 3);
    for (const blocks of ['backbone', 'ngrams', 'both'] as const) {
      const candidate = { blocks, ngrams: SPEC.ngrams, backboneScale: blocks === 'ngrams' ? 0 : 2, C: 10 };
      const result = trainHybrid(variants, labels, 3, 1, [candidate]);
      const onnx = await runHead(headModel(result.spec), denseRows(matrix, blocksOf(candidate)), matrix.rows);
      const reference = predictLogistic(result.model, matrix);
      const gap = Math.max(...Array.from(onnx, (v, i) => Math.abs(v - reference[i]!)));
      expect(gap, blocks).toBeLessThan(1e-5);
    }
  });

  it('is deterministic and keeps the robust default unless the data clearly prefers another mix', () => {
    const { texts, matrix, labels } = corpus(4, 5);
    const variants = hybridVariants(matrix.dense!, texts, 3);
    const a = trainHybrid(variants, labels, 3, 9);
    const b = trainHybrid(variants, labels, 3, 9);
    expect(Array.from(a.model.params)).toEqual(Array.from(b.model.params));
    expect(a.repeats).toBeGreaterThan(1);
    expect(a.scores).toHaveLength(HYBRID_GRID.length);
    expect(a.choice).toMatchObject(DEFAULT_CANDIDATE);
    expect(a.choice.accuracy).toBeGreaterThan(0.5);
  });

  it('draws a learning curve on the tenant data and says what more labels would buy', () => {
    const { matrix, variants, labels } = corpus(40, 7);
    const result = trainHybrid(variants, labels, 3, 2, [DEFAULT_CANDIDATE].map((c) => ({ ...c, ngrams: SPEC.ngrams })));
    const curve = learningCurve(matrix, labels, 3, result.idf, result.choice, 2);
    expect(curve.map((p) => p.fraction)).toEqual([0.25, 0.5, 0.75, 1]);
    expect(curve.at(-1)!.examples).toBe(120);
    expect(curveAdvice(curve)).toMatch(/accuracy/i);
    expect(curveAdvice([{ fraction: 0.5, examples: 50, accuracy: 0.7 }, { fraction: 1, examples: 100, accuracy: 0.8 }])).toMatch(/Doubling .*about 200\).*about 90\.0 %/);
    expect(curveAdvice([{ fraction: 0.5, examples: 50, accuracy: 0.95 }, { fraction: 1, examples: 100, accuracy: 0.95 }])).toMatch(/levelled off/);
  });
});
