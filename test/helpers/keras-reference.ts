import type { io, LayersModel, SymbolicTensor, Tensor } from '@tensorflow/tfjs';
import { readNsfwjsMobileNetV2 } from '../../trainer/backbones/keras-to-onnx/nsfwjs-mobilenet-v2';
import { tf, tfBackend } from '../../trainer/runtime/tf-backend';

/** The nsfwjs Keras model in TensorFlow.js, loaded from the package files through our own IO handler. */
export async function nsfwjsLayersModel(): Promise<LayersModel> {
  await tfBackend();
  const source = await readNsfwjsMobileNetV2();
  const handler: io.IOHandler = {
    load: async () => ({
      modelTopology: source.json.modelTopology as object,
      weightSpecs: source.json.weightsManifest.flatMap((group) => group.weights) as io.WeightsManifestEntry[],
      weightData: source.weightData.slice().buffer,
    }),
  };
  return tf.loadLayersModel(handler);
}

/** The same model cut at `layer` (e.g. the pooled features), run on NHWC float32 rows. */
export async function kerasReference(layer: string): Promise<(pixels: Float32Array, rows: number) => Float32Array> {
  const full = await nsfwjsLayersModel();
  const trunk = tf.model({ inputs: full.inputs, outputs: full.getLayer(layer).output as SymbolicTensor });
  return (pixels, rows) =>
    tf.tidy(() => (trunk.predict(tf.tensor4d(pixels, [rows, 224, 224, 3])) as Tensor).dataSync() as Float32Array);
}
