import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headModel } from '../../core/heads/head-model';
import { hashedNgrams } from '../../core/text/hashed-ngrams';
import { MAX_TEXT_CHARS } from '../../core/text/limits';
import { manifestFor, startGraft, type Client, type Graft } from '../helpers/worker-fixtures';

const DIM = 64;
const SPEC = { dim: DIM, ngrams: [1, 2] };
const LONG = Array.from({ length: 40_000 }, (_, i) => ['offre', 'spéciale', 'München', '東京', 'free', '42'][i % 6]).join(' ').slice(0, MAX_TEXT_CHARS);
const TEXTS = ['Free money, click NOW!!', 'Réunion à 10h — merci', 'Встреча завтра', '東京で会議 🎉', 'ＦＵＬＬ width ﬁ ligature', '', LONG];

/**
 * An identity head turns the edge's hashed n-gram block into its output: probs = softmax(x), so
 * log(probs) recovers x up to a per-row constant. That shows the worker computes the very
 * features the trainer computed for the same texts.
 */
describe('hashed n-gram features: trainer and edge agree', () => {
  let graft: Graft;
  let tenant: Client;
  beforeAll(async () => {
    graft = await startGraft();
    tenant = graft.client(await graft.createTenant('lexical'));
  });
  afterAll(() => graft?.stop());

  it('computes identical features in workerd, for unicode and a 100,000-character text', async () => {
    const identity = new Float32Array(DIM * DIM);
    for (let i = 0; i < DIM; i++) identity[i * DIM + i] = 1;
    const model = headModel({ layers: [{ inputs: DIM, outputs: DIM, weights: identity, bias: new Float32Array(DIM), activation: 'linear' }], output: 'softmax' });
    const labels = Array.from({ length: DIM }, (_, i) => `bucket-${i}`);
    const manifest = manifestFor('identity', labels, [{ source: 'hashed-ngrams', ...SPEC }]);
    expect((await tenant.upload('identity', manifest, model)).status).toBe(201);

    const res = await tenant.predict('identity', { inputs: TEXTS, top_k: DIM });
    expect(res.status, await res.clone().text()).toBe(200);
    const { predictions } = (await res.json()) as { predictions: { scores: Record<string, number> }[] };
    TEXTS.forEach((text, row) => {
      const expected = hashedNgrams(text, SPEC);
      const logs = labels.map((label) => Math.log(predictions[row]!.scores[label]!));
      const shift = logs.reduce((a, b) => a + b, 0) / DIM - expected.reduce((a, b) => a + b, 0) / DIM;
      const gap = Math.max(...logs.map((v, i) => Math.abs(v - shift - expected[i]!)));
      expect(gap, `text #${row}`).toBeLessThan(1e-5);
    });
  });
});
