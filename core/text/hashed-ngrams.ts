import { FNV_OFFSET, fnvUpdate } from '../hash/fnv1a';
import { tokenize } from './tokenize';

/** How a text becomes a lexical feature block; part of an adapter's manifest. */
export interface HashedNgramsSpec {
  dim: number;
  ngrams: readonly number[];
}

/** The non-zero entries of a hashed n-gram vector, indices ascending. */
export interface SparseVector {
  indices: Int32Array;
  values: Float32Array;
}

const SPACE = ' ';

/**
 * Word n-grams hashed into `dim` buckets, sublinear term frequency (1 + ln tf), L2-normalised.
 * Inverse document frequencies are not applied here: they are per-tenant, so the trainer folds
 * them into the head's weights and the edge only needs this routine.
 */
export function hashedNgramsSparse(text: string, spec: HashedNgramsSpec): SparseVector {
  return hashedNgramsSparseFromTokens(tokenize(text), spec);
}

/** The same vector from `tokenize(text)`, when the caller already has the tokens. */
export function hashedNgramsSparseFromTokens(tokens: readonly string[], spec: HashedNgramsSpec): SparseVector {
  const tf = new Map<number, number>();
  for (const n of spec.ngrams) {
    // Bucket of the string `${n}:${tokens.slice(i, i + n).join(' ')}`, hashed without building it
    // (the serving hot path).
    const prefix = fnvUpdate(FNV_OFFSET, `${n}:`);
    for (let i = 0; i + n <= tokens.length; i++) {
      let hash = fnvUpdate(prefix, tokens[i]!);
      for (let j = 1; j < n; j++) hash = fnvUpdate(fnvUpdate(hash, SPACE), tokens[i + j]!);
      const bucket = (hash >>> 0) % spec.dim;
      tf.set(bucket, (tf.get(bucket) ?? 0) + 1);
    }
  }
  const indices = Int32Array.from(tf.keys()).sort();
  const values = new Float32Array(indices.length);
  let norm = 0;
  indices.forEach((bucket, i) => {
    const value = 1 + Math.log(tf.get(bucket)!);
    values[i] = value;
    norm += value * value;
  });
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  for (let i = 0; i < values.length; i++) values[i]! *= scale;
  return { indices, values };
}

/** The same vector, dense, as the head's input block. */
export function hashedNgrams(text: string, spec: HashedNgramsSpec, out = new Float32Array(spec.dim)): Float32Array {
  const { indices, values } = hashedNgramsSparse(text, spec);
  out.fill(0);
  indices.forEach((bucket, i) => (out[bucket] = values[i]!));
  return out;
}
