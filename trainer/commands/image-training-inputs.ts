import type { FeatureBlock } from '../../core/schemas/feature-block';
import { loadImageEmbedder } from '../backbones/load-image-embedder';
import { loadImageDataset } from '../data/load-image-dataset';
import { extractImageFeatures } from '../features/extract-image-features';
import type { OrtProvider } from '../runtime/ort-node';

export interface ImageTrainingInputs {
  dataset: { source: string; sha256: string; labels: string[]; examples: { label: string }[] };
  labels: Int32Array;
  blocks: FeatureBlock[];
  features: Float32Array;
  provider: OrtProvider;
}

/** `graft train` on an image backbone: the dataset, its labels and backbone features. */
export async function imageTrainingInputs(
  backbone: string,
  data: string,
  opts: { labelColumn?: string; s3Endpoint?: string; quiet: boolean },
  say: (line: string) => void,
): Promise<ImageTrainingInputs> {
  const dataset = await loadImageDataset(data, { labelColumn: opts.labelColumn, s3Endpoint: opts.s3Endpoint });
  const { embedder, provider, release } = await loadImageEmbedder(backbone);
  say(`graft train: ${dataset.examples.length} images, ${dataset.labels.length} labels · ONNX Runtime: onnxruntime-node (${provider})`);
  try {
    const labelIndex = new Map(dataset.labels.map((label, i) => [label, i]));
    const labels = Int32Array.from(dataset.examples, (e) => labelIndex.get(e.label)!);
    const blocks: FeatureBlock[] = [{ source: embedder.manifest.id, sha256: embedder.manifest.sha256, dim: embedder.manifest.output.dim }];
    const features = await extractImageFeatures(embedder, dataset.examples, dataset.sha256, opts.quiet);
    return { dataset, labels, blocks, features, provider };
  } finally {
    await release();
  }
}
