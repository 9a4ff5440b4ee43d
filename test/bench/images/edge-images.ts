/**
 * Image serving on local workerd with both backbones in one isolate: warm `POST
 * /v1/adapters/:name/predict` over HTTP with multipart images (p50 of REQUESTS sequential requests
 * at batch 1 and at batch 8, as ms per image), then the isolate's memory after predictions on both
 * the text (GloVe-SIF) and the image (MobileNetV2) backbone: V8's JS heap through the inspector and
 * ORT's wasm heap from /healthz. Run alone: `npx tsx test/bench/images/edge-images.ts` prints JSON.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { backboneUploads, builtBackboneManifest } from '../../../infra/local/backbone-uploads';
import { ensureBackbones } from '../../../infra/local/ensure-backbones';
import { IMAGE_MOBILENETV2 } from '../../../trainer/backbones/image-mobilenet-v2';
import { TEXT_GLOVE_SIF } from '../../../trainer/backbones/text-glove-sif';
import { fixture } from '../../helpers/image-fixtures';
import { linearHead, manifestFor, multipart } from '../../helpers/worker-fixtures';
import { machine } from '../machine';
import { startEdge, type Edge } from '../serve/bench-edge';
import { HttpClient, summary } from '../serve/http-client';

const REQUESTS = 20;
const WARM_UP = 3;
const BATCHES = [1, 8] as const;
/** The photo the onnxruntime-node figures of run-images-bench.ts use, so the two compare. */
const PHOTO = 'scene.jpg';

export interface EdgeImages {
  machine: ReturnType<typeof machine>;
  photo: { file: string; bytes: number };
  /** Per batch size: p50 and p99 of whole requests, and the p50 per image. */
  predict: Record<`batch_${(typeof BATCHES)[number]}`, { p50_ms: number; p99_ms: number; n: number; p50_ms_per_image: number }>;
  /** After warm predictions with both backbones loaded. */
  memory: {
    backbones_loaded: string[];
    /** Undefined when the inspector could not be reached (Node 20 needs --experimental-websocket). */
    js_heap_bytes: number | undefined;
    /** ArrayBuffer storage outside the JS heap (the text backbone's word table among it). */
    array_buffer_bytes: number | undefined;
    ort_heap_bytes: number;
  };
}

async function uploadHeads(edge: Edge): Promise<void> {
  // Manifests only: the models are not read again here.
  const [text, image] = await Promise.all([builtBackboneManifest(TEXT_GLOVE_SIF), builtBackboneManifest(IMAGE_MOBILENETV2)]);
  const block = (m: typeof text) => ({ source: m.id, sha256: m.sha256, dim: m.output.dim });
  const heads = [
    { manifest: manifestFor('shoes', ['bag', 'sneaker', 'scene'], [block(image)]), model: linearHead(image.output.dim, 3, 5) },
    { manifest: manifestFor('spam', ['ham', 'spam'], [block(text)]), model: linearHead(text.output.dim, 2, 3) },
  ];
  for (const { manifest, model } of heads) {
    const res = await edge.upload(manifest.name, manifest, model);
    if (res.status !== 201) throw new Error(`upload ${manifest.name}: ${res.status} ${await res.text()}`);
  }
}

/** The multipart body of a predict with `count` copies of the photo. */
async function imagesBody(photo: Uint8Array, count: number): Promise<{ body: Buffer; type: string }> {
  const form = new FormData();
  for (let i = 0; i < count; i++) form.append('image', new Blob([new Uint8Array(photo)]), `photo-${i}.jpg`);
  const { body, headers } = await multipart(form);
  return { body: Buffer.from(body), type: headers['content-type']! };
}

export async function measureEdgeImages(): Promise<EdgeImages> {
  await ensureBackbones((line) => process.stderr.write(`${line}\n`), [TEXT_GLOVE_SIF, IMAGE_MOBILENETV2]);
  // startEdge seeds the text backbone and a tenant; the image backbone joins it here.
  const edge = await startEdge();
  try {
    for (const object of await backboneUploads([IMAGE_MOBILENETV2])) await edge.worker.r2Put(object.key, object.body);
    await uploadHeads(edge);
    const client = new HttpClient(edge.origin, { authorization: `Bearer ${edge.apiKey}` });
    try {
      await client.post('/v1/adapters/spam/predict', { inputs: ['WIN a FREE cruise, click here now', 'the minutes of the meeting are attached'] });
      const photo = fixture(PHOTO);
      const predict = {} as EdgeImages['predict'];
      for (const batch of BATCHES) {
        const { body, type } = await imagesBody(photo, batch);
        const send = async () => {
          const res = await client.send('POST', '/v1/adapters/shoes/predict', body, type);
          if (res.status !== 200) throw new Error(`image predict: ${res.status} ${res.text.slice(0, 300)}`);
          return res.ms;
        };
        for (let i = 0; i < WARM_UP; i++) await send();
        const times: number[] = [];
        for (let i = 0; i < REQUESTS; i++) times.push(await send());
        const stats = summary(times);
        predict[`batch_${batch}`] = { ...stats, p50_ms_per_image: +(stats.p50_ms / batch).toFixed(3) };
      }
      const health = (await (await fetch(`${edge.origin}/healthz`)).json()) as { backbones: { id: string }[]; ort_heap_bytes: number };
      return {
        machine: machine(),
        photo: { file: PHOTO, bytes: photo.length },
        predict,
        memory: await (async () => {
          const heap = await edge.heap();
          return { backbones_loaded: health.backbones.map((b) => b.id), js_heap_bytes: heap?.used_bytes, array_buffer_bytes: heap?.array_buffer_bytes, ort_heap_bytes: health.ort_heap_bytes };
        })(),
      };
    } finally {
      client.close();
    }
  } finally {
    await edge.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (typeof WebSocket === 'undefined') {
    // Node 20 hides WebSocket, which the inspector read of the JS heap needs, behind a flag.
    const rerun = spawnSync(process.execPath, ['--experimental-websocket', ...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit' });
    process.exit(rerun.status ?? 1);
  }
  console.log(JSON.stringify(await measureEdgeImages(), null, 2));
}
