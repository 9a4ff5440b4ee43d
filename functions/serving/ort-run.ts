import { Tensor, type InferenceSession } from '../runtime/ort-web';
import { withRunLock } from './run-lock';

export type Feeds = Record<string, Tensor>;

/** Runs a session and returns one float32 output as a plain array, releasing ORT's tensors. */
export function runForFloats(session: InferenceSession, feeds: Feeds, output: string): Promise<{ data: Float32Array; dims: readonly number[] }> {
  return withRunLock(async () => {
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
