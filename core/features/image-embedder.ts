import { imageBatch, type ImageBatch } from '../image/preprocess-image';
import type { BackboneManifest, ImagePreprocess } from '../schemas/backbone-manifest';

/** Runs the image backbone graph on a preprocessed batch; Node and workerd plug in their ONNX Runtime. */
export type RunImageBackbone = (batch: ImageBatch, preprocess: ImagePreprocess) => Promise<Float32Array>;

/** An image backbone ready to embed encoded JPEG/PNG files. */
export interface ImageEmbedder {
  readonly modality: 'image';
  readonly manifest: BackboneManifest;
  readonly preprocess: ImagePreprocess;
  embed(images: readonly Uint8Array[]): Promise<Float32Array>;
}

export function imageEmbedder(manifest: BackboneManifest, run: RunImageBackbone): ImageEmbedder {
  const preprocess = manifest.preprocess;
  if (manifest.modality !== 'image' || preprocess.routine !== 'image-rgb/v1') {
    throw new TypeError(`backbone ${manifest.id} is not an image-rgb/v1 image backbone`);
  }
  return {
    modality: 'image',
    manifest,
    preprocess,
    embed: async (images) => run(await imageBatch(images, preprocess), preprocess),
  };
}
