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
  /**
   * While a fill runs, [id, index in the bag] per slot of a small open-addressing table (id 0:
   * empty), at most half full; the slots a fill used, to empty them after it. A vocabulary-sized
   * array indexed by id would cost a cache miss per token.
   */
  private readonly table: Int32Array;
  private readonly used: Int32Array;
  private readonly shift: number;
  private readonly mask: number;

  constructor(
    private readonly vocabulary: Vocabulary,
    private readonly maxDistinct = MAX_DISTINCT_TOKENS,
  ) {
    this.ids = new Int32Array(maxDistinct);
    this.counts = new Int32Array(maxDistinct);
    let bits = 4;
    while (1 << bits < 2 * maxDistinct) bits++;
    this.shift = 32 - bits;
    this.mask = (1 << bits) - 1;
    this.table = new Int32Array(2 << bits);
    this.used = new Int32Array(maxDistinct);
  }

  /** Bags `tokens` into `ids` and `counts`; returns how many distinct ids the bag holds. */
  fill(tokens: readonly string[]): number {
    const { ids, counts, table, used, shift, mask } = this;
    let length = 0;
    for (const token of tokens) {
      const id = this.vocabulary.id(token);
      if (id === 0) continue;
      // Fibonacci hashing: the top bits of id × 2^32/φ spread consecutive ids apart.
      let slot = Math.imul(id, 0x9e3779b1) >>> shift;
      while (table[2 * slot] !== 0 && table[2 * slot] !== id) slot = (slot + 1) & mask;
      if (table[2 * slot] === id) {
        counts[table[2 * slot + 1]!]! += 1;
      } else if (length < this.maxDistinct) {
        table[2 * slot] = id;
        table[2 * slot + 1] = length;
        used[length] = slot;
        ids[length] = id;
        counts[length++] = 1;
      }
    }
    for (let i = 0; i < length; i++) table[2 * used[i]!] = 0;
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
