import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inputBatch } from '../../core/inputs/input-batch';
import { API_LIMITS } from '../../core/schemas/api';
import { backboneUploads } from '../../infra/local/backbone-uploads';
import { ensureBackbones } from '../../infra/local/ensure-backbones';
import { IMAGE_MOBILENETV2 } from '../../trainer/backbones/image-mobilenet-v2';
import { loadBackbone, readBackbone, type BuiltBackbone } from '../../trainer/backbones/load-backbone';
import { TEXT_GLOVE_SIF } from '../../trainer/backbones/text-glove-sif';
import { fixture, FIXTURE_FILES, IMAGE_FIXTURES } from '../helpers/image-fixtures';
import { runGraft } from '../helpers/run-graft';
import { expectProblem, linearHead, manifestFor, multipart, startGraft, type Client, type Graft } from '../helpers/worker-fixtures';

// The real text backbone (GloVe-SIF) and the real image backbone (MobileNetV2) in one isolate:
// predictions and embeddings on both, what /healthz reports, and the CLI sending image files.
const IMAGES = [fixture('fashion-sneaker.jpg'), fixture('fashion-bag-alpha.png'), fixture('scene-exif6.jpg')];
const base64 = (images: Uint8Array[]) => images.map((bytes) => Buffer.from(bytes).toString('base64'));

function form(images: Uint8Array[], fields: [string, string][] = []): FormData {
  const body = new FormData();
  images.forEach((bytes, i) => body.append('image', new Blob([new Uint8Array(bytes)]), `img-${i}`));
  for (const [name, value] of fields) body.append(name, value);
  return body;
}

interface Predictions {
  adapter: string;
  version: number;
  predictions: { label: string; score: number; scores?: Record<string, number> }[];
}

describe('text and image backbones in one isolate', () => {
  let graft: Graft;
  let acme: Client;
  let image: BuiltBackbone;
  let text: BuiltBackbone;

  const post = async (route: string, body: FormData) => acme.fetch(route, { method: 'POST', ...(await multipart(body)) });
  const ok = async <T>(response: Response): Promise<T> => {
    expect(response.status, await response.clone().text()).toBe(200);
    return (await response.json()) as T;
  };

  beforeAll(async () => {
    await ensureBackbones(() => undefined, [TEXT_GLOVE_SIF, IMAGE_MOBILENETV2]);
    [text, image] = await Promise.all([readBackbone(TEXT_GLOVE_SIF), readBackbone(IMAGE_MOBILENETV2)]);
    graft = await startGraft();
    for (const object of await backboneUploads([TEXT_GLOVE_SIF, IMAGE_MOBILENETV2])) await graft.worker.r2Put(object.key, object.body);
    acme = graft.client(await graft.createTenant('acme'));
    const imageBlock = { source: IMAGE_MOBILENETV2, sha256: image.manifest.sha256, dim: image.manifest.output.dim };
    const textBlock = { source: TEXT_GLOVE_SIF, sha256: text.manifest.sha256, dim: text.manifest.output.dim };
    const adapters = [
      { manifest: manifestFor('shoes', ['bag', 'sneaker', 'scene'], [imageBlock]), model: linearHead(imageBlock.dim, 3, 5) },
      { manifest: manifestFor('colors', ['dark', 'light'], [imageBlock]), model: linearHead(imageBlock.dim, 2, 9) },
      { manifest: manifestFor('spam', ['ham', 'spam'], [textBlock]), model: linearHead(textBlock.dim, 2, 3) },
    ];
    for (const { manifest, model } of adapters) expect((await acme.upload(manifest.name, manifest, model)).status).toBe(201);
  });
  afterAll(() => graft?.stop());

  it('POST /v1/predict runs several image adapters over one backbone pass, from multipart or base64 JSON', async () => {
    const multi = await ok<{ results: Predictions[] }>(await post('/v1/predict', form(IMAGES, [['adapters', 'shoes'], ['adapters', 'colors@1'], ['top_k', '2']])));
    expect(multi.results.map((r) => [r.adapter, r.version])).toEqual([['shoes', 1], ['colors', 1]]);
    for (const result of multi.results) {
      const single = await ok<Predictions>(await post(`/v1/adapters/${result.adapter}/predict`, form(IMAGES, [['top_k', '2']])));
      expect(result.predictions).toEqual(single.predictions);
    }
    const json = await ok<{ results: Predictions[] }>(await acme.json('POST', '/v1/predict', { adapters: ['shoes', { name: 'colors', version: 1 }], images: base64(IMAGES), top_k: 2 }));
    expect(json.results).toEqual(multi.results);
  });

  it('POST /v1/predict refuses bad image requests with the single-adapter route’s codes', async () => {
    const jpeg = IMAGES[0]!;
    const tooMany = Array<Uint8Array>(API_LIMITS.maxImagesPerRequest + 1).fill(jpeg);
    await expectProblem(await post('/v1/predict', form(tooMany, [['adapters', 'shoes']])), 422, 'too_many_inputs');
    await expectProblem(await acme.json('POST', '/v1/predict', { adapters: ['shoes'], images: base64(tooMany) }), 422, 'too_many_inputs');
    await expectProblem(await acme.json('POST', '/v1/predict', { adapters: ['shoes'], images: base64([jpeg]), inputs: ['a text'] }), 400, 'invalid_request');
    const gif = await expectProblem(await post('/v1/predict', form([jpeg, new TextEncoder().encode('GIF89a.......')], [['adapters', 'shoes']])), 415, 'image_type_unsupported');
    expect(gif.index).toBe(1);
    await expectProblem(await post('/v1/predict', form([jpeg.subarray(0, jpeg.length / 2)], [['adapters', 'shoes']])), 422, 'image_truncated');
    await expectProblem(await post('/v1/predict', form([jpeg], [['adapters', 'shoes'], ['adapters', 'spam']])), 422, 'modality_mismatch');
    await expectProblem(await post('/v1/predict', form([jpeg])), 400, 'invalid_request');
    await expectProblem(await post('/v1/predict', form([jpeg], [['adapters', 'shoes@x']])), 400, 'invalid_request');
    const adapters = Array.from({ length: API_LIMITS.maxAdaptersPerPredict + 1 }, (): [string, string] => ['adapters', 'shoes']);
    await expectProblem(await post('/v1/predict', form([jpeg], adapters)), 422, 'too_many_adapters');
    await expectProblem(await post('/v1/predict', form([], [['adapters', 'shoes']])), 400, 'invalid_request');
    const neither = await expectProblem(await acme.json('POST', '/v1/predict', { adapters: ['shoes'] }), 400, 'invalid_request');
    expect(neither.detail).toMatch(/"inputs".*"images"/);
    await expectProblem(await acme.fetch('/v1/predict', { method: 'POST', body: 'shoes', headers: { 'content-type': 'text/plain' } }), 415, 'unsupported_media_type');
  });

  it('POST /v1/embed returns pooled image embeddings like onnxruntime-node, and refuses the other modality', async () => {
    const sent = IMAGES.slice(0, 2);
    const body = await ok<{ backbone: unknown; embeddings: number[][] }>(await post('/v1/embed', form(sent, [['backbone', IMAGE_MOBILENETV2]])));
    expect(body.backbone).toEqual({ id: IMAGE_MOBILENETV2, sha256: image.manifest.sha256, dim: image.manifest.output.dim });
    const { manifest } = image;
    const reference = await loadBackbone(image);
    const expected = await reference.embedder.embed(inputBatch('image', sent));
    await reference.release();
    const dim = manifest.output.dim;
    expect(body.embeddings.map((row) => row.length)).toEqual([dim, dim]);
    const worst = Math.max(...body.embeddings.flatMap((row, r) => row.map((v, i) => Math.abs(v - expected[r * dim + i]!))));
    expect(worst).toBeLessThan(1e-3);

    const json = await ok<{ embeddings: number[][] }>(await acme.json('POST', '/v1/embed', { backbone: IMAGE_MOBILENETV2, images: base64(sent) }));
    expect(json.embeddings).toEqual(body.embeddings);
    const texts = await ok<{ embeddings: number[][] }>(await acme.json('POST', '/v1/embed', { backbone: TEXT_GLOVE_SIF, inputs: ['free money'] }));
    expect(texts.embeddings[0]).toHaveLength(text.manifest.output.dim);

    await expectProblem(await acme.json('POST', '/v1/embed', { backbone: IMAGE_MOBILENETV2, inputs: ['a text'] }), 422, 'modality_mismatch');
    await expectProblem(await acme.json('POST', '/v1/embed', { backbone: TEXT_GLOVE_SIF, images: base64(sent) }), 422, 'modality_mismatch');
    await expectProblem(await post('/v1/embed', form(sent, [['backbone', TEXT_GLOVE_SIF]])), 422, 'modality_mismatch');
    await expectProblem(await post('/v1/embed', form(Array<Uint8Array>(API_LIMITS.maxImagesPerRequest + 1).fill(sent[0]!), [['backbone', IMAGE_MOBILENETV2]])), 422, 'too_many_inputs');
    await expectProblem(await post('/v1/embed', form([new Uint8Array(0)], [['backbone', IMAGE_MOBILENETV2]])), 422, 'image_empty');
  });

  it('serves texts and images side by side; /healthz and /v1/backbones report both backbones loaded', async () => {
    const spam = await ok<Predictions>(await acme.predict('spam', { inputs: ['WIN a FREE cruise, click now', 'minutes of the meeting'] }));
    expect(spam.predictions).toHaveLength(2);
    await ok<Predictions>(await acme.predict('shoes', { images: base64([fixture('scene.jpg')]) }));
    const health = (await (await graft.worker.fetch('/healthz')).json()) as { backbones: { id: string; sha256: string }[]; ort_heap_bytes: number };
    expect(health.backbones).toEqual(
      expect.arrayContaining([
        { id: TEXT_GLOVE_SIF, sha256: text.manifest.sha256 },
        { id: IMAGE_MOBILENETV2, sha256: image.manifest.sha256 },
      ]),
    );
    // The image backbone runs in ORT: its wasm heap holds MobileNetV2 and its activations.
    expect(health.ort_heap_bytes).toBeGreaterThan(image.model.length);
    console.log(`both backbones loaded: ORT wasm heap ${(health.ort_heap_bytes / 2 ** 20).toFixed(1)} MiB (JS heap: npx tsx test/bench/images/edge-images.ts)`);
    const listed = (await (await acme.json('GET', '/v1/backbones')).json()) as { backbones: { id: string; loaded: boolean }[] };
    const loaded = Object.fromEntries(listed.backbones.map((b) => [b.id, b.loaded]));
    expect(loaded).toMatchObject({ [TEXT_GLOVE_SIF]: true, [IMAGE_MOBILENETV2]: true });
  });

  it('documents JSON and multipart image bodies in /openapi.json, from the same schemas', async () => {
    const doc = (await (await graft.worker.fetch('/openapi.json')).json()) as { paths: Record<string, { post: { requestBody: { content: Record<string, { schema: unknown }> } } }> };
    for (const route of ['/v1/adapters/{name}/predict', '/v1/predict', '/v1/embed']) {
      const { content } = doc.paths[route]!.post.requestBody;
      expect(Object.keys(content).sort()).toEqual(['application/json', 'multipart/form-data']);
      expect(content['multipart/form-data']!.schema).toMatchObject({
        properties: { image: { type: 'array', items: { type: 'string', format: 'binary' }, maxItems: API_LIMITS.maxImagesPerRequest } },
      });
      const alternatives = (content['application/json']!.schema as { anyOf: { properties: Record<string, unknown> }[] }).anyOf;
      expect(alternatives.map((a) => Object.keys(a.properties).find((k) => k === 'inputs' || k === 'images'))).toEqual(['inputs', 'images']);
      expect(alternatives[1]!.properties.images).toMatchObject({ type: 'array', maxItems: API_LIMITS.maxImagesPerRequest });
    }
    expect(await (await graft.worker.fetch('/docs')).text()).toContain('images per request');
  });

  it('graft predict sends image files to the edge in batches and prints what the edge answers', async () => {
    const names = FIXTURE_FILES.filter((name) => name !== 'mnist-7.png');
    const files = Array.from({ length: API_LIMITS.maxImagesPerRequest + 2 }, (_, i) => path.join(IMAGE_FIXTURES, names[i % names.length]!));
    const run = await runGraft('predict', '--endpoint', graft.worker.url, '--api-key', acme.key, '--adapter', 'shoes', '--top-k', '3', '--json', ...files);
    expect(run.code, run.stderr).toBe(0);
    const printed = JSON.parse(run.stdout) as Predictions;
    const direct = await ok<Predictions>(await post('/v1/adapters/shoes/predict', form(names.map((name) => fixture(name)), [['top_k', '3']])));
    expect(printed).toMatchObject({ adapter: 'shoes', version: 1 });
    expect(printed.predictions).toEqual(files.map((_, i) => direct.predictions[i % names.length]));
  });
});
