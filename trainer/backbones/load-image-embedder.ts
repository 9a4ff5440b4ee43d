import { imageEmbedder, type ImageEmbedder } from '../../core/features/image-embedder';
import { UsageError } from '../cli/usage-error';
import { createNodeSession, ort, type OrtProvider } from '../runtime/ort-node';
import { readBackbone } from './load-backbone';

/** An image backbone ready to embed JPEG/PNG files in Node through onnxruntime-node. */
export async function loadImageEmbedder(id: string): Promise<{ embedder: ImageEmbedder; provider: OrtProvider; release: () => Promise<void> }> {
  const backbone = await readBackbone(id);
  if (backbone.manifest.modality !== 'image') throw new UsageError(`backbone "${id}" embeds ${backbone.manifest.modality}s, not images`, 'pick an image backbone');
  const { session, provider } = await createNodeSession(backbone.model);
  const input = backbone.manifest.inputs[0]!.name;
  const output = backbone.manifest.output.name;
  const embedder = imageEmbedder(backbone.manifest, async (batch, p) => {
    const result = await session.run({ [input]: new ort.Tensor('float32', batch.data, [batch.rows, p.height, p.width, 3]) });
    return result[output]!.data as Float32Array;
  });
  return { embedder, provider, release: () => session.release() };
}
