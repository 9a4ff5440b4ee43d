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

// FNV-1a over UTF-16 code units: tiny, fast, identical in every JavaScript runtime.
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * Word n-grams hashed into `dim` buckets, sublinear term frequency (1 + ln tf), L2-normalised.
 * Inverse document frequencies are not applied here: they are per-tenant, so the trainer folds
 * them into the head's weights and the edge only needs this routine.
 */
export function hashedNgramsSparse(text: string, spec: HashedNgramsSpec): SparseVector {
  const tokens = tokenize(text);
  const tf = new Map<number, number>();
  for (const n of spec.ngrams) {
    for (let i = 0; i + n <= tokens.length; i++) {
      const gram = n === 1 ? tokens[i]! : tokens.slice(i, i + n).join(' ');
      const bucket = fnv1a(`${n}:${gram}`) % spec.dim;
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
