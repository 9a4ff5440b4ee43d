import { selectRows } from '../../../trainer/heads/feature-matrix';
import { fitLogistic, predictLogistic } from '../../../trainer/heads/logistic-regression';
import { hybridProbabilities, ngramsKey, trainHybrid, type HybridVariants } from '../../../trainer/heads/train-hybrid';
import { fitTfidf } from './tfidf-baseline';

export interface DrawResult {
  tfidf: number;
  backbone: number;
  graft: number;
  choice: string;
}

const accuracy = (probs: Float64Array, labels: Int32Array, classes: number) => {
  let correct = 0;
  for (let r = 0; r < labels.length; r++) {
    let best = 0;
    for (let k = 1; k < classes; k++) if (probs[r * classes + k]! > probs[r * classes + best]!) best = k;
    if (best === labels[r]) correct++;
  }
  return correct / labels.length;
};

/**
 * One draw at one size: TF-IDF + logistic regression from scratch (scikit-learn defaults, C = 1),
 * logistic regression on the frozen backbone (C = 1), and Graft's default head — all on the same
 * labelled rows, scored on the same held-out rows.
 */
export function runDraw(texts: readonly string[], variants: HybridVariants, labels: Int32Array, classes: number, train: number[], test: number[], seed: number): DrawResult {
  const yTrain = Int32Array.from(train, (i) => labels[i]!);
  const yTest = Int32Array.from(test, (i) => labels[i]!);

  const vectorize = fitTfidf(train.map((i) => texts[i]!));
  const tfTrain = { rows: train.length, dense: null, sparse: vectorize(train.map((i) => texts[i]!)) };
  const tfTest = { rows: test.length, dense: null, sparse: vectorize(test.map((i) => texts[i]!)) };
  const tfidf = accuracy(predictLogistic(fitLogistic(tfTrain, yTrain, classes, { C: 1, denseScale: 0, sparse: true, balanced: false }), tfTest), yTest, classes);

  const first = [...variants.values()][0]!;
  const backbone = accuracy(predictLogistic(fitLogistic(selectRows(first, train), yTrain, classes, { C: 1, denseScale: 1, sparse: false, balanced: false }), selectRows(first, test)), yTest, classes);

  const hybrid = trainHybrid(new Map([...variants].map(([key, m]) => [key, selectRows(m, train)])), yTrain, classes, seed);
  const graft = accuracy(hybridProbabilities(hybrid, selectRows(variants.get(ngramsKey(hybrid.choice.ngrams))!, test)), yTest, classes);
  const { blocks, backboneScale, C, ngrams } = hybrid.choice;
  return { tfidf, backbone, graft, choice: `${blocks}${blocks === 'both' ? `×${backboneScale}` : ''}, n-grams ${ngrams.join('+')}, C=${C}` };
}
