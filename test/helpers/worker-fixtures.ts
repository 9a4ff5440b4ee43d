/**
 * Shared set-up for the edge's worker tests: a running worker with the tiny backbone in its R2,
 * tenants with keys, adapter heads and manifests, and a small typed client.
 */
import * as ortNode from 'onnxruntime-node';
import { assembleFeatures } from '../../core/features/assemble-features';
import { inputBatch } from '../../core/inputs/input-batch';
import { encodeModel } from '../../core/onnx/encode-model';
import { GraphBuilder } from '../../core/onnx/graph-builder';
import { attr } from '../../core/onnx/graph-attributes';
import { featureWidth, type AdapterManifest } from '../../core/schemas/adapter-manifest';
import type { FeatureBlock } from '../../core/schemas/feature-block';
import { nodeEmbedder } from './node-embedder';
import { seededFloats } from './onnx-fixtures';
import { tinyTextBackbone, TINY_BACKBONE_ID, TINY_DIM, type TinyBackbone } from './tiny-text-backbone';
import { startWorker, TEST_ADMIN_TOKEN, type WorkerHarness, type WorkerHarnessOptions } from './worker-harness';

export { TEST_ADMIN_TOKEN, TINY_BACKBONE_ID, TINY_DIM };

export async function seedBackbone(worker: WorkerHarness, backbone: TinyBackbone): Promise<void> {
  // In order: the pointer goes last, as backboneObjects lays them out.
  for (const object of backbone.objects) await worker.r2Put(object.key, object.body);
}

export interface Graft {
  worker: WorkerHarness;
  backbone: TinyBackbone;
  admin(path: string, init?: RequestInit): Promise<Response>;
  createTenant(name: string): Promise<string>;
  client(key: string): Client;
  stop(): Promise<void>;
}

export async function startGraft(options: WorkerHarnessOptions = {}): Promise<Graft> {
  const worker = await startWorker(options);
  const backbone = await tinyTextBackbone();
  await seedBackbone(worker, backbone);
  const admin = (path: string, init: RequestInit = {}) =>
    worker.fetch(path, { ...init, headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json', ...init.headers } });
  return {
    worker,
    backbone,
    admin,
    async createTenant(name) {
      const created = await admin('/v1/admin/tenants', { method: 'POST', body: JSON.stringify({ name }) });
      if (created.status !== 201) throw new Error(`tenant ${name}: ${created.status} ${await created.text()}`);
      const key = await admin(`/v1/admin/tenants/${name}/keys`, { method: 'POST', body: JSON.stringify({ label: 'test' }) });
      if (key.status !== 201) throw new Error(`key for ${name}: ${key.status} ${await key.text()}`);
      return ((await key.json()) as { key: string }).key;
    },
    client: (key) => new Client(worker, key),
    stop: () => worker.stop(),
  };
}

export class Client {
  constructor(
    readonly worker: WorkerHarness,
    readonly key: string,
  ) {}

  fetch(path: string, init: RequestInit = {}): Promise<Response> {
    return this.worker.fetch(path, { ...init, headers: { authorization: `Bearer ${this.key}`, ...init.headers } });
  }

  json(method: string, path: string, body?: unknown): Promise<Response> {
    return this.fetch(path, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
  }

  async upload(name: string, manifest: unknown, model: Uint8Array, query = ''): Promise<Response> {
    return this.fetch(`/v1/adapters/${name}${query}`, { method: 'PUT', ...(await multipart(uploadForm(manifest, model))) });
  }

  predict(name: string, body: Record<string, unknown>): Promise<Response> {
    return this.json('POST', `/v1/adapters/${name}/predict`, body);
  }
}

export function uploadForm(manifest: unknown, model: Uint8Array): FormData {
  const form = new FormData();
  form.set('manifest', typeof manifest === 'string' ? manifest : JSON.stringify(manifest));
  form.set('model', new Blob([new Uint8Array(model)], { type: 'application/octet-stream' }), 'adapter.onnx');
  return form;
}

/** Miniflare's dispatchFetch does not serialise Node's FormData; encode it here. */
export async function multipart(form: FormData): Promise<{ body: ArrayBuffer; headers: Record<string, string> }> {
  const encoded = new Response(form);
  return { body: await encoded.arrayBuffer(), headers: { 'content-type': encoded.headers.get('content-type')! } };
}

export function backboneBlock(backbone: TinyBackbone): FeatureBlock {
  return { source: backbone.manifest.id, sha256: backbone.manifest.sha256, dim: backbone.manifest.output.dim };
}

export function manifestFor(name: string, labels: string[], features: FeatureBlock[], extra: Partial<AdapterManifest> = {}): AdapterManifest {
  return {
    format: 'graft.adapter/v1',
    name,
    task: 'multiclass',
    labels,
    features,
    output: 'probs',
    metrics: {},
    training: { by: 'test' },
    ...extra,
  };
}

/** Gemm then Softmax (multiclass) or Sigmoid (multilabel); `seed` picks distinct weights. */
export function linearHead(inputDim: number, outputDim: number, seed = 1, activation: 'Softmax' | 'Sigmoid' = 'Softmax'): Uint8Array {
  const g = new GraphBuilder('test_head');
  const x = g.input('features', 'float32', ['N', inputDim]);
  const w = g.initializer('W', seededFloats(inputDim * outputDim, seed).map((v) => v * 3), [inputDim, outputDim]);
  const b = g.initializer('B', seededFloats(outputDim, seed + 1000), [outputDim]);
  const logits = g.node('Gemm', [x, w, b], { alpha: attr.float(1), beta: attr.float(1) });
  const probs = activation === 'Softmax' ? g.node('Softmax', [logits], { axis: 1 }) : g.node('Sigmoid', [logits]);
  g.output(probs, 'float32', ['N', outputDim], 'probs');
  return encodeModel(g.toModel({ opset: 17 }));
}

/** A ready adapter: manifest and head over the tiny backbone (plus optional lexical block). */
export function tinyAdapter(backbone: TinyBackbone, name: string, labels = ['ham', 'spam'], seed = 1, extraBlocks: FeatureBlock[] = []) {
  const manifest = manifestFor(name, labels, [backboneBlock(backbone), ...extraBlocks]);
  return { manifest, model: linearHead(featureWidth(manifest), labels.length, seed) };
}

/** The same computation in Node (onnxruntime-node), for comparing the edge's numbers. */
export async function referenceProbs(backbone: TinyBackbone, manifest: AdapterManifest, model: Uint8Array, texts: string[]): Promise<Float32Array> {
  const loaded = await nodeEmbedder(backbone.manifest, { [backbone.manifest.file]: backbone.model, 'vocab.txt': backbone.vocab });
  const head = await ortNode.InferenceSession.create(model);
  try {
    const features = await assembleFeatures(manifest.features, inputBatch('text', texts), new Map([[backbone.manifest.id, loaded.embedder]]));
    const out = await head.run({ features: new ortNode.Tensor('float32', features, [texts.length, featureWidth(manifest)]) });
    return out.probs!.data as Float32Array;
  } finally {
    await loaded.release();
    await head.release();
  }
}

export async function problemOf(response: Response): Promise<{ status: number; code: string; contentType: string | null; body: Record<string, unknown> }> {
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { raw: text };
  }
  return { status: response.status, code: String(body.code), contentType: response.headers.get('content-type'), body };
}

/** Asserts an RFC 9457 body with the given status and code; returns it. */
export async function expectProblem(response: Response, status: number, code: string): Promise<Record<string, unknown>> {
  const problem = await problemOf(response);
  const summary = JSON.stringify(problem.body);
  if (problem.status !== status || problem.code !== code) throw new Error(`expected ${status} ${code}, got ${problem.status}: ${summary}`);
  if (!problem.contentType?.startsWith('application/problem+json')) throw new Error(`content-type ${problem.contentType} for ${summary}`);
  for (const field of ['type', 'title', 'status', 'detail', 'code']) {
    if (!(field in problem.body)) throw new Error(`problem lacks ${field}: ${summary}`);
  }
  return problem.body;
}
