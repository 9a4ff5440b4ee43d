import { headModel } from '../../../core/heads/head-model';
import { featureWidth } from '../../../core/schemas/adapter-manifest';
import type { FeatureBlock } from '../../../core/schemas/feature-block';
import { seededFloats } from '../../helpers/onnx-fixtures';
import { linearHead, manifestFor } from '../../helpers/worker-fixtures';
import type { SeedAdapter } from './fuzz-seeds';

const HASHED: FeatureBlock = { source: 'hashed-ngrams', dim: 256, ngrams: [1, 2] };
/** A 16 × 16 grey thumbnail: images decode through the same core/image path as a backbone's. */
const PIXELS: FeatureBlock = { source: 'pixels', dim: 256, side: 16, channels: 1 };

/** The head `graft train` exports (Gemm layers then softmax, served by the TypeScript evaluator). */
function denseHead(features: FeatureBlock[], labels: string[], seed: number, hidden = 0): Uint8Array {
  const width = featureWidth({ features });
  const layer = (inputs: number, outputs: number, activation: 'relu' | 'linear', s: number) => ({ inputs, outputs, weights: seededFloats(inputs * outputs, s), bias: seededFloats(outputs, s + 1), activation });
  const layers = hidden ? [layer(width, hidden, 'relu', seed), layer(hidden, labels.length, 'linear', seed + 2)] : [layer(width, labels.length, 'linear', seed)];
  return headModel({ layers, output: 'softmax' });
}

/**
 * Valid adapters over a text backbone block: a Gemm + Softmax head that ONNX Runtime runs, the
 * trainer's linear, mlp and hybrid heads that the TypeScript evaluator runs, and a pixels-only
 * image head. Mutating each reaches both of the edge's head paths and both modalities.
 */
export function seedAdapters(text: FeatureBlock): SeedAdapter[] {
  const labels = ['ham', 'spam'];
  const adapter = (label: string, features: FeatureBlock[], model: (f: FeatureBlock[]) => Uint8Array, modality: SeedAdapter['modality'] = 'text', names = labels): SeedAdapter => ({
    label,
    manifest: manifestFor(label, names, features),
    model: model(features),
    modality,
  });
  return [
    adapter('ort-gemm', [text], (f) => linearHead(featureWidth({ features: f }), 2, 3)),
    adapter('linear', [text], (f) => denseHead(f, labels, 5)),
    adapter('mlp', [text], (f) => denseHead(f, labels, 7, 8)),
    adapter('hybrid', [text, HASHED], (f) => denseHead(f, labels, 9)),
    adapter('pixels', [PIXELS], (f) => denseHead(f, ['bag', 'scene', 'sneaker'], 11), 'image', ['bag', 'scene', 'sneaker']),
  ];
}
