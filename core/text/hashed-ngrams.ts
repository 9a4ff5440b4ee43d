import { tokenize } from './tokenize';

/** How a text becomes a lexical feature block; part of an adapter's manifest. */
export interface HashedNgramsSpec {
  dim: number;
  ngrams: readonly number[];
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
export function hashedNgrams(text: string, spec: HashedNgramsSpec, out = new Float32Array(spec.dim)): Float32Array {
  const tokens = tokenize(text);
  const tf = new Map<number, number>();
  for (const n of spec.ngrams) {
    for (let i = 0; i + n <= tokens.length; i++) {
      const gram = n === 1 ? tokens[i]! : tokens.slice(i, i + n).join(' ');
      const bucket = fnv1a(`${n}:${gram}`) % spec.dim;
      tf.set(bucket, (tf.get(bucket) ?? 0) + 1);
    }
  }
  out.fill(0);
  let norm = 0;
  for (const [bucket, count] of tf) {
    const value = 1 + Math.log(count);
    out[bucket] = value;
    norm += value * value;
  }
  if (norm > 0) {
    const scale = 1 / Math.sqrt(norm);
    for (const bucket of tf.keys()) out[bucket]! *= scale;
  }
  return out;
}
