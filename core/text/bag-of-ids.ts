import { MAX_DISTINCT_TOKENS } from './limits';
import { tokenize } from './tokenize';
import type { Vocabulary } from './vocabulary';

/** A text as distinct in-vocabulary ids (in order of first appearance) with their counts. */
export interface BagOfIds {
  ids: number[];
  counts: number[];
}

export function bagOfIds(text: string, vocabulary: Vocabulary, maxDistinct = MAX_DISTINCT_TOKENS): BagOfIds {
  return bagOfTokens(tokenize(text), vocabulary, maxDistinct);
}

/** The same bag from `tokenize(text)`, when the caller already has the tokens. */
export function bagOfTokens(tokens: readonly string[], vocabulary: Vocabulary, maxDistinct = MAX_DISTINCT_TOKENS): BagOfIds {
  const slot = new Map<number, number>();
  const ids: number[] = [];
  const counts: number[] = [];
  for (const token of tokens) {
    const id = vocabulary.id(token);
    if (id === 0) continue;
    const at = slot.get(id);
    if (at !== undefined) {
      counts[at]! += 1;
    } else if (ids.length < maxDistinct) {
      slot.set(id, ids.length);
      ids.push(id);
      counts.push(1);
    }
  }
  return { ids, counts };
}

/**
 * bagOfTokens into buffers kept between calls: the same ids and counts in the same order, without
 * a Map or arrays per text. For hot paths that bag many texts over one vocabulary; read the bag
 * before the next fill.
 */
export class BagOfIdsBuffer {
  readonly ids: Int32Array;
  readonly counts: Int32Array;
  /** Per vocabulary id, its index in the bag plus one while a fill runs; all zero between fills. */
  private readonly slots: Int32Array;

  constructor(
    private readonly vocabulary: Vocabulary,
    private readonly maxDistinct = MAX_DISTINCT_TOKENS,
  ) {
    this.ids = new Int32Array(maxDistinct);
    this.counts = new Int32Array(maxDistinct);
    this.slots = new Int32Array(vocabulary.size + 1);
  }

  /** Bags `tokens` into `ids` and `counts`; returns how many distinct ids the bag holds. */
  fill(tokens: readonly string[]): number {
    const { ids, counts, slots } = this;
    let length = 0;
    for (const token of tokens) {
      const id = this.vocabulary.id(token);
      if (id === 0) continue;
      const slot = slots[id]!;
      if (slot !== 0) {
        counts[slot - 1]! += 1;
      } else if (length < this.maxDistinct) {
        ids[length] = id;
        counts[length] = 1;
        slots[id] = ++length;
      }
    }
    for (let i = 0; i < length; i++) slots[ids[i]!] = 0;
    return length;
  }
}

/** The text backbone's input tensors for a batch: `[N, L]` ids and counts, padded with id 0 and
 * count 0, L the widest bag in the batch (at least 1, since ONNX Runtime refuses empty tensors). */
export interface TextBatch {
  ids: Int32Array;
  counts: Float32Array;
  rows: number;
  width: number;
}

export function textBatch(texts: readonly string[], vocabulary: Vocabulary): TextBatch {
  return batchOfBags(texts.map((text) => bagOfIds(text, vocabulary)));
}

/** textBatch from each text's `tokenize` result. */
export function tokensBatch(tokens: readonly (readonly string[])[], vocabulary: Vocabulary): TextBatch {
  return batchOfBags(tokens.map((t) => bagOfTokens(t, vocabulary)));
}

function batchOfBags(bags: readonly BagOfIds[]): TextBatch {
  const width = bags.reduce((widest, bag) => Math.max(widest, bag.ids.length), 1);
  const ids = new Int32Array(bags.length * width);
  const counts = new Float32Array(bags.length * width);
  bags.forEach((bag, row) => {
    ids.set(bag.ids, row * width);
    counts.set(bag.counts, row * width);
  });
  return { ids, counts, rows: bags.length, width };
}
