import { createNodeSession, ort } from '../runtime/ort-node';

/** Probabilities [N, K] from an adapter head's ONNX bytes, through onnxruntime-node as the edge's
 * ONNX Runtime would compute them. */
export async function runHead(model: Uint8Array, features: Float32Array, rows: number): Promise<Float32Array> {
  const { session } = await createNodeSession(model);
  try {
    const input = new ort.Tensor('float32', features, [rows, features.length / Math.max(1, rows)]);
    const result = await session.run({ [session.inputNames[0]!]: input });
    return result[session.outputNames[0]!]!.data as Float32Array;
  } finally {
    await session.release();
  }
}
