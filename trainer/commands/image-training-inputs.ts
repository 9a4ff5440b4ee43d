import type { BackboneFeature, PixelsFeature } from '../../core/schemas/feature-block';
import { loadBackbone, type BuiltBackbone } from '../backbones/load-backbone';
import { checkImageDataset } from '../data/check-image-dataset';
import type { ImageDataset } from '../data/image-dataset';
import { loadImageDataset } from '../data/load-image-dataset';
import { imageBlockFeatures } from '../features/extract-image-features';
import { tenantPixels } from '../features/tenant-pixels';
import type { OrtProvider } from '../runtime/ort-node';

export interface ImageTrainingInputs {
  dataset: ImageDataset;
  labels: Int32Array;
  backbone: BackboneFeature;
  /** Backbone embeddings [images × dim]. */
  features: Float32Array;
  /** The pixels block and its values, when the head may read it. */
  pixels: { block: PixelsFeature; values: Float32Array } | null;
  provider: OrtProvider;
}

/** `graft train` on an image backbone: the dataset, its labels, backbone features and, for heads that read them, pixels. */
export async function imageTrainingInputs(
  built: BuiltBackbone,
  data: string,
  opts: { labelColumn?: string; s3Endpoint?: string; quiet: boolean; pixels: boolean; minPerLabel: number },
  say: (line: string) => void,
): Promise<ImageTrainingInputs> {
  const dataset = await loadImageDataset(data, { labelColumn: opts.labelColumn, s3Endpoint: opts.s3Endpoint });
  checkImageDataset(dataset, opts.minPerLabel);
  const { embedder, provider, release } = await loadBackbone(built);
  say(`graft train: ${dataset.examples.length} images, ${dataset.labels.length} labels · ONNX Runtime: onnxruntime-node (${provider})`);
  try {
    const labelIndex = new Map(dataset.labels.map((label, i) => [label, i]));
    const labels = Int32Array.from(dataset.examples, (e) => labelIndex.get(e.label)!);
    const block: BackboneFeature = { source: embedder.manifest.id, sha256: embedder.manifest.sha256, dim: embedder.manifest.output.dim };
    const features = await imageBlockFeatures(block, dataset.examples, dataset.sha256, new Map([[block.source, embedder]]), opts.quiet);
    const pixels = opts.pixels ? await tenantPixels(dataset.examples, dataset.sha256, opts.quiet) : null;
    return { dataset, labels, backbone: block, features, pixels, provider };
  } finally {
    await release();
  }
}
