import { MAX_RUN_INPUT_BYTES } from '../limits';
import { Problem } from '../problems';
import { Tensor, type InferenceSession } from '../runtime/ort-web';
import { withRunLock, type RunLane } from './run-lock';

export type Feeds = Record<string, Tensor>;

function feedBytes(feeds: Feeds): number {
  return Object.values(feeds).reduce((sum, { data }) => sum + (ArrayBuffer.isView(data) ? data.byteLength : 0), 0);
}

/** Runs a session in the lane's turn and returns one float32 output as a plain array, releasing
 * ORT's tensors. */
export async function runForFloats(session: InferenceSession, feeds: Feeds, output: string, lane: RunLane): Promise<{ data: Float32Array; dims: readonly number[] }> {
  // Uploads refuse ORT heads whose input at the maximum batch is larger (decision 0040); this
  // holds every run to it, before ORT copies the feeds into its heap.
  const bytes = feedBytes(feeds);
  if (bytes > MAX_RUN_INPUT_BYTES) {
    throw new Problem('run_input_too_large', `this request would hand ONNX Runtime ${bytes} bytes in one run; the most is ${MAX_RUN_INPUT_BYTES}`, { limit: MAX_RUN_INPUT_BYTES });
  }
  return withRunLock(lane, async () => {
    const results = await session.run(feeds, [output]);
    try {
      const tensor = results[output];
      if (!tensor || tensor.type !== 'float32') throw new Error(`output ${output} is missing or not float32`);
      return { data: tensor.data as Float32Array, dims: tensor.dims };
    } finally {
      for (const tensor of Object.values(results)) tensor.dispose();
    }
  });
}

export { Tensor };
