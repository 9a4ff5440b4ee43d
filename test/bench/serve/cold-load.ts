import type { Edge } from './bench-edge';
import type { Adapter } from './bench-models';
import { HttpClient, summary, uploadBody } from './http-client';

const TEXT = { inputs: ['Congratulations, you won a free cruise'] };

/**
 * Cold load = a predict that must read the head from R2 and load it, minus the same predict warm.
 * The edge runs with a 1-byte cache budget, so loading another head evicts this one; a predict
 * of this head just before keeps its version lookup (cached 2 s) warm for both timed calls.
 */
export async function coldLoad(edge: Edge, make: (i: number) => Adapter, count: number) {
  const client = new HttpClient(edge.origin, { authorization: `Bearer ${edge.apiKey}` });
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const { manifest, model } = make(i);
    const { body, type } = uploadBody(manifest, model);
    const put = await client.send('PUT', `/v1/adapters/${manifest.name}`, body, type);
    if (put.status !== 201) throw new Error(`upload: ${put.status} ${put.text}`);
    names.push(manifest.name);
  }
  const cold: number[] = [];
  const warm: number[] = [];
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    await client.post(`/v1/adapters/${name}/predict`, TEXT);
    await client.post(`/v1/adapters/${names[(i + 1) % names.length]!}/predict`, TEXT);
    cold.push((await client.post(`/v1/adapters/${name}/predict`, TEXT)).ms);
    warm.push((await client.post(`/v1/adapters/${name}/predict`, TEXT)).ms);
  }
  client.close();
  const c = summary(cold);
  const w = summary(warm);
  return { cold_predict: c, warm_predict: w, cold_load_p50_ms: +(c.p50_ms - w.p50_ms).toFixed(3), model_bytes: make(0).model.length };
}

/** PUT then the first predict of that version, sequential, on an isolate that already has the backbone. */
export async function uploadToFirstPrediction(edge: Edge, make: (i: number) => Adapter, count: number) {
  const client = new HttpClient(edge.origin, { authorization: `Bearer ${edge.apiKey}` });
  const times: number[] = [];
  const uploads: number[] = [];
  for (let i = 0; i < count; i++) {
    const { manifest, model } = make(i);
    const { body, type } = uploadBody(manifest, model);
    const start = performance.now();
    const put = await client.send('PUT', `/v1/adapters/${manifest.name}`, body, type);
    if (put.status !== 201) throw new Error(`upload: ${put.status} ${put.text}`);
    uploads.push(put.ms);
    await client.post(`/v1/adapters/${manifest.name}/predict`, TEXT);
    times.push(performance.now() - start);
  }
  client.close();
  return { upload: summary(uploads), upload_to_first_prediction: summary(times), model_bytes: make(0).model.length };
}
