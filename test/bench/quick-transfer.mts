import { loadTextEmbedder } from '../../trainer/backbones/load-backbone';
import { spamAssassinBodies } from '../../trainer/datasets/spam-assassin';
import { embedTexts } from '../../trainer/features/extract-features';
import { hashedNgramMatrix } from '../../trainer/features/ngram-matrix';
import { selectRows, type FeatureMatrix } from '../../trainer/heads/feature-matrix';
import { fitLogistic, predictLogistic } from '../../trainer/heads/logistic-regression';
import { trainHybrid } from '../../trainer/heads/train-hybrid';
import { seededRandom, shuffle } from '../../trainer/random';
import { fitTfidf } from './tfidf-baseline';

const data = spamAssassinBodies();
const texts = data.map((d) => d.text);
const labels = Int32Array.from(data, (d) => (d.label === 'spam' ? 1 : 0));
const { embedder } = await loadTextEmbedder('text-glove-sif');
const emb = await embedTexts(embedder, texts, true);
const ngrams = hashedNgramMatrix(texts, { dim: 1 << 14, ngrams: [1, 2] });
const full: FeatureMatrix = { rows: texts.length, dense: { dim: 100, values: emb }, sparse: ngrams };
const acc = (p: Float64Array, y: Int32Array) => { let c = 0; for (let i = 0; i < y.length; i++) if ((p[i * 2 + 1]! > p[i * 2]! ? 1 : 0) === y[i]) c++; return c / y.length; };
for (const per of [4, 8, 32, 128]) {
  const res: number[][] = [];
  for (let draw = 0; draw < 5; draw++) {
    const order = shuffle([...texts.keys()], seededRandom(1000 + draw));
    const test = order.slice(0, 1500);
    const pool = order.slice(1500);
    const train = [...pool.filter((i) => labels[i] === 0).slice(0, per), ...pool.filter((i) => labels[i] === 1).slice(0, per)];
    const yTrain = Int32Array.from(train, (i) => labels[i]!);
    const yTest = Int32Array.from(test, (i) => labels[i]!);
    const vec = fitTfidf(train.map((i) => texts[i]!));
    const tfTrain: FeatureMatrix = { rows: train.length, dense: null, sparse: vec(train.map((i) => texts[i]!)) };
    const tfTest: FeatureMatrix = { rows: test.length, dense: null, sparse: vec(test.map((i) => texts[i]!)) };
    const ones = new Float32Array(tfTrain.sparse!.dim).fill(1);
    const a = acc(predictLogistic(fitLogistic(tfTrain, yTrain, 2, { C: 1, denseScale: 0, sparseScale: ones, balanced: false }), tfTest), yTest);
    const trainM = selectRows(full, train); const testM = selectRows(full, test);
    const b = acc(predictLogistic(fitLogistic(trainM, yTrain, 2, { C: 1, denseScale: 1, sparseScale: null, balanced: false }), testM), yTest);
    const t0 = Date.now();
    const h = trainHybrid(trainM, yTrain, 2, draw);
    const c = acc(predictLogistic(h.model, testM), yTest);
    res.push([a, b, c, Date.now() - t0]);
    console.log(per, draw, a.toFixed(3), b.toFixed(3), c.toFixed(3), h.choice.blocks, h.choice.backboneScale, h.choice.C, h.repeats, Date.now() - t0, 'ms');
  }
  const mean = (j: number) => (res.reduce((s, r) => s + r[j]!, 0) / res.length).toFixed(3);
  console.log('MEAN', per, mean(0), mean(1), mean(2));
}
