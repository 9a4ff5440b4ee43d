/**
 * Which input scaling does the nsfwjs MobileNetV2 expect? Measured two ways on real images
 * (the committed fixtures, Fashion-MNIST samples, and any JPEG/PNG paths given as arguments):
 * 1. batch-norm fit: how far each BN layer's input statistics sit from its moving mean/variance
 *    (the statistics of the data the model was trained on); lower = closer to training inputs;
 * 2. nsfwjs's own 5-class predictions (confidence per image).
 * Run: npx tsx test/bench/images/scaling-probe.ts [image…] > .graft/bench/scaling.json
 */
import { readFile } from 'node:fs/promises';
import type { SymbolicTensor, Tensor } from '@tensorflow/tfjs';
import { uprightPixels } from '../../../core/image/preprocess-image';
import { resizeImage } from '../../../core/image/resize-image';
import { dequantizeWeights } from '../../../trainer/backbones/keras-to-onnx/dequantize-weights';
import { readNsfwjsMobileNetV2 } from '../../../trainer/backbones/keras-to-onnx/nsfwjs-mobilenet-v2';
import { IMAGE_PREPROCESS } from '../../../trainer/backbones/image-mobilenet-v2';
import { tf } from '../../../trainer/runtime/tf-backend';
import { FIXTURE_FILES, fixture } from '../../helpers/image-fixtures';
import { nsfwjsLayersModel } from '../../helpers/keras-reference';
import { mnistClass, upscaleGrey } from '../../helpers/mnist-data';

const CLASSES = ['Drawing', 'Hentai', 'Neutral', 'Porn', 'Sexy'];
const SCALINGS: Record<string, (v: number) => number> = { '[0,1]': (v) => v / 255, '[-1,1]': (v) => v / 127.5 - 1, '0..255': (v) => v };

const named: { name: string; rgb: Float32Array }[] = [];
for (const name of FIXTURE_FILES) named.push({ name, rgb: (await uprightPixels(fixture(name), IMAGE_PREPROCESS)).data });
for (const path of process.argv.slice(2)) named.push({ name: path.split('/').pop()!, rgb: (await uprightPixels(new Uint8Array(await readFile(path)), IMAGE_PREPROCESS)).data });
for (const label of [0, 7, 8]) {
  for (const sample of mnistClass('fashion-mnist', label).slice(0, 2)) named.push({ name: `fashion-${label}`, rgb: resizeImage(upscaleGrey(sample, 1), 224, 224).data });
}

const source = await readNsfwjsMobileNetV2();
const weights = dequantizeWeights(source.json.weightsManifest.flatMap((g) => g.weights), source.weightData);
const model = await nsfwjsLayersModel();
const layers = source.json.modelTopology.model_config.config.layers.filter((l) => l.class_name === 'BatchNormalization');
const probe = tf.model({ inputs: model.inputs, outputs: layers.map((l) => model.getLayer(l.inbound_nodes[0]![0]![0]).output as SymbolicTensor) });

const result: Record<string, unknown> = {};
for (const [scaling, fn] of Object.entries(SCALINGS)) {
  const x = new Float32Array(named.length * 224 * 224 * 3);
  named.forEach((n, i) => x.set(n.rgb.map(fn), i * n.rgb.length));
  const input = tf.tensor4d(x, [named.length, 224, 224, 3]);
  const fit = { frozen: 0, trainable: 0 };
  const outs = probe.predict(input) as Tensor[];
  layers.forEach((layer, k) => {
    const { mean, variance } = tf.moments(outs[k]!, [0, 1, 2]);
    const m = mean.dataSync(), v = variance.dataSync();
    const mm = weights.get(`${layer.name}/moving_mean`)!.values, mv = weights.get(`${layer.name}/moving_variance`)!.values;
    let d = 0;
    for (let c = 0; c < m.length; c++) d += Math.abs(Math.log((v[c]! + 1e-3) / (mv[c]! + 1e-3))) + Math.abs(m[c]! - mm[c]!) / Math.sqrt(mv[c]! + 1e-3);
    fit[layer.config.trainable === false ? 'frozen' : 'trainable'] += d / m.length / layers.filter((l) => (l.config.trainable === false) === (layer.config.trainable === false)).length;
  });
  const probs = (model.predict(input) as Tensor).arraySync() as number[][];
  result[scaling] = {
    bn_mismatch: { frozen: +fit.frozen.toFixed(3), trainable: +fit.trainable.toFixed(3) },
    mean_top_confidence: +(probs.reduce((s, p) => s + Math.max(...p), 0) / probs.length).toFixed(3),
    predictions: named.map((n, i) => `${n.name}: ${CLASSES[probs[i]!.indexOf(Math.max(...probs[i]!))]} ${Math.max(...probs[i]!).toFixed(2)}`),
  };
  tf.dispose([input, ...outs]);
}
console.log(JSON.stringify(result, null, 2));
