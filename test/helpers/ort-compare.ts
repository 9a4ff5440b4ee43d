import type * as ortNode from 'onnxruntime-node';
import { expect } from 'vitest';
import type { TextBatch } from '../../core/text/bag-of-ids';

/** Largest absolute elementwise difference; the lengths must agree. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

/** Either ONNX Runtime package: both expose the same session and tensor API. */
export type Ort = Pick<typeof ortNode, 'InferenceSession' | 'Tensor'>;

/** A text backbone's embeddings for prepared batches, from ONNX Runtime: one session for all. */
export async function ortBackboneEmbeddings(ort: Ort, model: Uint8Array, batches: readonly TextBatch[]): Promise<Float32Array[]> {
  const session = await ort.InferenceSession.create(model);
  try {
    const out: Float32Array[] = [];
    for (const batch of batches) {
      const result = await session.run({
        ids: new ort.Tensor('int32', batch.ids, [batch.rows, batch.width]),
        counts: new ort.Tensor('float32', batch.counts, [batch.rows, batch.width]),
      });
      out.push(result.embedding!.data as Float32Array);
    }
    return out;
  } finally {
    await session.release();
  }
}
