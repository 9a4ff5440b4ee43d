import { imageEmbedder, type ImageEmbedder } from '../../core/features/image-embedder';
import type { BackboneManifest } from '../../core/schemas/backbone-manifest';
import { backboneObjectKey } from '../../core/storage/keys';
import { readVerified, residentBackbones, type LoadedBackbone } from './loaded-backbones';
import { newSession } from './ort-state';
import { runForFloats, Tensor } from './ort-run';

async function load(bucket: R2Bucket, manifest: BackboneManifest): Promise<LoadedBackbone<ImageEmbedder>> {
  const model = await readVerified(bucket, backboneObjectKey(manifest.id, manifest.sha256, manifest.file), manifest.sha256);
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
  return { embedder, release: () => void session.release() };
}

/** The image embedder for exactly these bytes; a new sha256 for the id replaces (and frees) the old. */
export function imageBackboneEmbedder(bucket: R2Bucket, manifest: BackboneManifest): Promise<ImageEmbedder> {
  return residentBackbones.embedder(manifest.id, manifest.sha256, () => load(bucket, manifest));
}
