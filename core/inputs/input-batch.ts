import { once } from '../memo/once';

/**
 * What each modality's items are. A new modality is one line here (and its request reader at the
 * edge): everything else asks `batch.modality` instead of guessing from the items' types.
 */
export interface ModalityItems {
  text: string;
  /** An encoded JPEG or PNG file. */
  image: Uint8Array;
}

export type Modality = keyof ModalityItems;

/** Every modality, for schemas (zod enums) and messages. */
export const MODALITIES = ['text', 'image'] as const satisfies readonly Modality[];

/**
 * One request's (or one training batch's) inputs: one modality, its items, and what feature
 * blocks and heads derive from them once and share (tokens, a backbone's embeddings, pixels),
 * keyed by `memoKey`s. Reusing the batch object is how several heads share one backbone pass.
 */
export type InputBatch = {
  [M in Modality]: { readonly modality: M; readonly items: readonly ModalityItems[M][]; readonly memo: Map<string, unknown> };
}[Modality];

export function inputBatch<M extends Modality>(modality: M, items: readonly ModalityItems[M][]): InputBatch {
  return { modality, items, memo: new Map() } as InputBatch;
}

/** The input kind does not match what a block reads: an image adapter was sent texts, or the reverse. */
export class ModalityMismatchError extends Error {
  constructor(
    readonly block: string,
    readonly expected: Modality,
    readonly actual: Modality,
  ) {
    super(`feature block ${block} needs ${expected} inputs; this batch holds ${actual} inputs`);
    this.name = 'ModalityMismatchError';
  }
}

/** The batch's items when it holds `modality`, for a block named `block`. */
export function itemsOf<M extends Modality>(batch: InputBatch, modality: M, block: string): readonly ModalityItems[M][] {
  if (batch.modality !== modality) throw new ModalityMismatchError(block, modality, batch.modality);
  return batch.items as readonly ModalityItems[M][];
}

/** The value under `key` in the batch's memo, computed once: work shared by blocks and heads. */
export function memo<T>(batch: InputBatch, key: string, compute: () => T): T {
  return once(batch.memo, key, compute) as T;
}
