import { hashedNgramsSparse, type HashedNgramsSpec } from '../../core/text/hashed-ngrams';
import type { FeatureMatrix } from '../heads/feature-matrix';

/** The hashed n-gram block of many texts as a CSR matrix, computed by the same `core/` routine
 * the edge runs. */
export function hashedNgramMatrix(texts: readonly string[], spec: HashedNgramsSpec): NonNullable<FeatureMatrix['sparse']> {
  const vectors = texts.map((text) => hashedNgramsSparse(text, spec));
  const rowStart = new Int32Array(texts.length + 1);
  vectors.forEach((v, i) => (rowStart[i + 1] = rowStart[i]! + v.indices.length));
  const indices = new Int32Array(rowStart[texts.length]!);
  const values = new Float32Array(rowStart[texts.length]!);
  vectors.forEach((v, i) => {
    indices.set(v.indices, rowStart[i]!);
    values.set(v.values, rowStart[i]!);
  });
  return { dim: spec.dim, rowStart, indices, values };
}
