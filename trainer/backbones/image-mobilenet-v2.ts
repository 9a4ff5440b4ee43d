import { sha256Hex } from '../../core/hash/sha256';
import { MAX_IMAGE_BYTES, MAX_IMAGE_PIXELS, MAX_IMAGE_SIDE } from '../../core/image/image-limits';
import type { ImagePreprocess } from '../../core/backbones/image-rgb/image-rgb-routine';
import type { BackboneManifest } from '../../core/schemas/backbone-manifest';
import { writeFolderAtomically } from '../fs/write-folder-atomically';
import { convertKerasModel } from './keras-to-onnx/convert-keras-model';
import { dequantizeWeights } from './keras-to-onnx/dequantize-weights';
import { readNsfwjsMobileNetV2 } from './keras-to-onnx/nsfwjs-mobilenet-v2';

export const IMAGE_MOBILENETV2 = 'image-mobilenetv2';

/** The nsfwjs layer holding the pooled 1280-d features; its Dense classifier comes after. */
export const POOLED_LAYER = 'flatten_1';
export const IMAGE_SIZE = 224;

/**
 * Inputs scaled to [0, 1]: what nsfwjs itself feeds the model (pixels / 255), and, measured on
 * real images, the scaling whose activations match the batch-norm moving statistics best
 * (docs/decisions/0007-image-backbone-scaling.md).
 */
export const IMAGE_PREPROCESS: ImagePreprocess = {
  routine: 'image-rgb/v1',
  layout: 'nhwc',
  width: IMAGE_SIZE,
  height: IMAGE_SIZE,
  resize: 'box-bilinear',
  fit: 'stretch',
  normalize: { kind: 'range', min: 0, max: 1 },
  max_bytes: MAX_IMAGE_BYTES,
  max_pixels: MAX_IMAGE_PIXELS,
  max_side: MAX_IMAGE_SIDE,
};

export async function buildImageMobileNetV2(outDir: string): Promise<BackboneManifest> {
  const source = await readNsfwjsMobileNetV2();
  const weights = dequantizeWeights(source.json.weightsManifest.flatMap((group) => group.weights), source.weightData);
  const model = convertKerasModel(source.json, weights, { outputLayer: POOLED_LAYER, metadata: { 'graft.backbone': IMAGE_MOBILENETV2 } });
  const manifest: BackboneManifest = {
    id: IMAGE_MOBILENETV2,
    version: '1',
    modality: 'image',
    sha256: await sha256Hex(model),
    bytes: model.length,
    file: 'model.onnx',
    inputs: [{ name: 'pixels', dtype: 'float32', shape: ['N', IMAGE_SIZE, IMAGE_SIZE, 3] }],
    output: { name: 'embedding', dim: 1280 },
    preprocess: IMAGE_PREPROCESS,
    assets: [],
    source: {
      package: source.package,
      description: 'MobileNetV2 trunk from nsfwjs (uint8 weights dequantised, batch norms folded), global-average-pooled 1280-d output',
      cut_at: POOLED_LAYER,
      weights_sha256: await sha256Hex(source.weightData),
    },
  };
  await writeFolderAtomically(outDir, { 'model.onnx': model, 'manifest.json': JSON.stringify(manifest, null, 2) + '\n' });
  return manifest;
}
