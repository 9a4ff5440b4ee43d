import { describe, expect, it } from 'vitest';
import { headModel } from '../../core/heads/head-model';
import { runHead } from '../../trainer/adapters/run-head';
import { hashedNgramMatrix } from '../../trainer/features/ngram-matrix';
import type { FeatureMatrix } from '../../trainer/heads/feature-matrix';
import { curveAdvice, learningCurve } from '../../trainer/heads/learning-curve';
import { denseRows, hybridVariants } from '../../trainer/heads/hybrid-head';
import type { FeatureBlock } from '../../core/schemas/feature-block';
import { DEFAULT_CANDIDATE, HYBRID_GRID, hybridProbabilities, ngramsKey, trainHybrid, type HybridCandidate } from '../../trainer/heads/train-hybrid';
import { denseHeadFromBytes, evaluateDenseHead } from '../../core/heads/dense-head';
import { hashedNgramsSparse } from '../../core/text/hashed-ngrams';
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
  it('exports to ONNX that matches the training code and the edge evaluator to 1e-5, for every block choice', async () => {
    const { matrix, variants, labels } = corpus(20, 3);
    // Texts from another draw reach n-grams training never saw: they count in the TF-IDF norm only.
    const unseen = corpus(6, 11);
    const extra = ['', 'zebra quantum ' + 'goal '.repeat(50), 'bank bank ünïcödé 東京 🙂 loan'];
    const texts = [...unseen.texts, ...extra];
    const fresh: FeatureMatrix = {
      rows: texts.length,
      dense: { dim: 4, values: Float32Array.from({ length: texts.length * 4 }, (_, i) => unseen.matrix.dense!.values[i] ?? 0.25) },
      sparse: hashedNgramMatrix(texts, SPEC),
    };
    for (const blocks of ['backbone', 'ngrams', 'both'] as const) {
      const candidate = { blocks, ngrams: SPEC.ngrams, backboneScale: blocks === 'ngrams' ? 0 : 2, C: 10 };
      const result = trainHybrid(variants, labels, 3, 1, [candidate]);
      const model = headModel(result.spec);
      const head = denseHeadFromBytes(model)!;
      expect(head, blocks).toBeDefined();
      for (const [what, rows, raw] of [['training rows', matrix, [] as string[]], ['unseen texts', fresh, texts]] as const) {
        const onnx = await runHead(model, denseRows(rows, blocksOf(candidate)), rows.rows);
        const reference = hybridProbabilities(result, rows);
        expect(Math.max(...Array.from(onnx, (v, i) => Math.abs(v - reference[i]!))), `${blocks}, ${what}`).toBeLessThan(1e-5);
        if (raw.length === 0) continue;
        const inputs = blocksOf(candidate).map((b) =>
          b.source === 'hashed-ngrams' ? { dim: b.dim, sparse: raw.map((t) => hashedNgramsSparse(t, SPEC)) } : { dim: b.dim, dense: rows.dense!.values },
        );
        const edge = evaluateDenseHead(head, inputs, rows.rows);
        expect(Math.max(...Array.from(edge, (v, i) => Math.abs(v - onnx[i]!))), `${blocks}, edge evaluator`).toBeLessThan(1e-5);
      }
    }
  });

  it('keeps only the hashed columns its training texts use, within the byte budget', () => {
    const { variants, labels } = corpus(20, 3);
    const result = trainHybrid(variants, labels, 3, 1, [DEFAULT_CANDIDATE].map((c) => ({ ...c, ngrams: SPEC.ngrams })));
    const kept = result.spec.input!.columns;
    expect(kept.length).toBe(4 + result.tfidf.kept.length);
    expect(result.tfidf.kept.length).toBeLessThan(SPEC.dim);
    expect(result.spec.layers[0]!.inputs).toBe(kept.length);
  });

  it('is deterministic and keeps the robust default unless the data clearly prefers another mix', () => {
    const { texts, matrix, labels } = corpus(4, 5);
    const variants = hybridVariants(matrix.dense!, texts);
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
    const curve = learningCurve(matrix, labels, 3, result.choice, 2);
    expect(curve.map((p) => p.fraction)).toEqual([0.25, 0.5, 0.75, 1]);
    expect(curve.at(-1)!.examples).toBe(120);
    expect(curve.at(-1)!.accuracy).toBe(result.choice.accuracy);
    expect(curveAdvice(curve)).toMatch(/accuracy/i);
    expect(curveAdvice([{ fraction: 0.5, examples: 50, accuracy: 0.7 }, { fraction: 1, examples: 100, accuracy: 0.8 }])).toMatch(/Doubling .*about 200\).*about 90\.0 %/);
    expect(curveAdvice([{ fraction: 0.5, examples: 50, accuracy: 0.95 }, { fraction: 1, examples: 100, accuracy: 0.95 }])).toMatch(/levelled off/);
  });
});
