import { HttpClient, summary } from './http-client';
import { textOfTokens } from './bench-models';

export const BATCH_SIZES = [1, 2, 4, 8, 16, 32, 64];
export const TEXT_TOKENS = [10, 100, 1000, 10_000];

/** Sequential requests (one in flight), `reps` each, p50 and p99 per point. */
export async function costCurves(origin: string, headers: Record<string, string>, path: string, texts: readonly string[], reps: number) {
  const client = new HttpClient(origin, headers);
  const time = async (inputs: readonly string[]) => {
    for (let i = 0; i < 3; i++) await client.post(path, { inputs });
    const times: number[] = [];
    for (let i = 0; i < reps; i++) times.push((await client.post(path, { inputs })).ms);
    return summary(times);
  };
  const batch = [];
  for (const size of BATCH_SIZES) batch.push({ batch: size, ...(await time(texts.slice(0, size))) });
  const length = [];
  for (const tokens of TEXT_TOKENS) {
    const text = textOfTokens(tokens);
    length.push({ tokens, chars: text.length, ...(await time([text])) });
  }
  client.close();
  return { batch, length };
}
