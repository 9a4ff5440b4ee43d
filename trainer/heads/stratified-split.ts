import { shuffle } from '../random';

/**
 * Splits example indices per class so every class appears on both sides: `fraction` of each
 * class (at least one, never all) goes to validation.
 */
export function stratifiedSplit(labels: Int32Array, classes: number, fraction: number, random: () => number): { train: number[]; validation: number[] } {
  const byClass: number[][] = Array.from({ length: classes }, () => []);
  labels.forEach((label, i) => byClass[label]!.push(i));
  const train: number[] = [];
  const validation: number[] = [];
  for (const members of byClass) {
    shuffle(members, random);
    const held = Math.min(members.length - 1, Math.max(1, Math.round(members.length * fraction)));
    validation.push(...members.slice(0, held));
    train.push(...members.slice(held));
  }
  return { train: train.sort((a, b) => a - b), validation: validation.sort((a, b) => a - b) };
}

/** k folds, each class spread evenly, for cross-validation. */
export function stratifiedFolds(labels: Int32Array, classes: number, folds: number, random: () => number): number[][] {
  const out: number[][] = Array.from({ length: folds }, () => []);
  const byClass: number[][] = Array.from({ length: classes }, () => []);
  labels.forEach((label, i) => byClass[label]!.push(i));
  let next = 0;
  for (const members of byClass) {
    for (const i of shuffle(members, random)) out[next++ % folds]!.push(i);
  }
  return out.map((fold) => fold.sort((a, b) => a - b));
}
