import { imageEmbedder, type ImageEmbedder } from '../../core/features/image-embedder';
import { sha256Hex } from '../../core/hash/sha256';
import type { BackboneManifest } from '../../core/schemas/backbone-manifest';
import { backboneObjectKey } from '../../core/storage/keys';
import { Problem } from '../problems';
import type { InferenceSession } from '../runtime/ort-web';
import { newSession } from './ort-state';
import { runForFloats, Tensor } from './ort-run';

/** Loaded image backbones, one per id, like backbone-loader's text ones. */
const loaded = new Map<string, { sha256: string; ready: Promise<{ embedder: ImageEmbedder; session: InferenceSession }> }>();

async function load(bucket: R2Bucket, manifest: BackboneManifest): Promise<{ embedder: ImageEmbedder; session: InferenceSession }> {
  const key = backboneObjectKey(manifest.id, manifest.sha256, manifest.file);
  const object = await bucket.get(key);
  if (!object) throw new Problem('backbone_corrupt', `missing backbone object ${key}`);
  const model = new Uint8Array(await object.arrayBuffer());
  if ((await sha256Hex(model)) !== manifest.sha256) throw new Problem('backbone_corrupt', `backbone object ${key} does not match its sha256`);
  const session = await newSession(model);
  const input = manifest.inputs[0]!.name;
  const output = manifest.output.name;
  const dim = manifest.output.dim;
  const embedder = imageEmbedder(manifest, async (batch, p) => {
    // One image per run: ORT's arena grows with the largest batch it has seen and wasm memory
    // never shrinks, so batch 1 keeps MobileNetV2's activations (~15 MB) from multiplying.
    const size = p.width * p.height * 3;
    const out = new Float32Array(batch.rows * dim);
    for (let row = 0; row < batch.rows; row++) {
      const pixels = new Tensor('float32', batch.data.subarray(row * size, (row + 1) * size), [1, p.height, p.width, 3]);
      out.set((await runForFloats(session, { [input]: pixels }, output)).data, row * dim);
    }
    return out;
  });
  return { embedder, session };
}

/** The image embedder for exactly these bytes; a new sha256 for the id replaces (and frees) the old. */
export async function imageBackboneEmbedder(bucket: R2Bucket, manifest: BackboneManifest): Promise<ImageEmbedder> {
  const current = loaded.get(manifest.id);
  if (current?.sha256 === manifest.sha256) return (await current.ready).embedder;
  current?.ready.then(({ session }) => session.release()).catch(() => undefined);
  const ready = load(bucket, manifest);
  loaded.set(manifest.id, { sha256: manifest.sha256, ready });
  ready.catch(() => loaded.get(manifest.id)?.ready === ready && loaded.delete(manifest.id));
  return (await ready).embedder;
}
