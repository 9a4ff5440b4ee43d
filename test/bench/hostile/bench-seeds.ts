import { builtBackboneManifest } from '../../../infra/local/backbone-uploads';
import type { BackboneManifest } from '../../../core/schemas/backbone-manifest';
import type { FeatureBlock } from '../../../core/schemas/feature-block';
import { IMAGE_MOBILENETV2 } from '../../../trainer/backbones/image-mobilenet-v2';
import { TEXT_GLOVE_SIF } from '../../../trainer/backbones/text-glove-sif';
import { FIXTURE_FILES, fixture } from '../../helpers/image-fixtures';
import { linearHead, manifestFor } from '../../helpers/worker-fixtures';
import { trainedSpamHead } from '../serve/bench-models';
import type { SeedAdapter } from './fuzz-seeds';
import { seedAdapters } from './seed-adapters';

const block = (m: BackboneManifest): FeatureBlock => ({ source: m.id, sha256: m.sha256, dim: m.output.dim });

export interface BenchSeeds {
  text: FeatureBlock;
  image: FeatureBlock;
  adapters: SeedAdapter[];
  images: { name: string; bytes: Uint8Array }[];
}

/**
 * The bench's seeds over the real backbones: the fixture heads of seed-adapters.ts on GloVe-SIF,
 * the hybrid spam head `graft train` exports (trained once and kept by the serve bench), and a
 * linear head on MobileNetV2's 1280 features; the committed image fixtures.
 */
export async function benchSeeds(): Promise<BenchSeeds> {
  const text = block(await builtBackboneManifest(TEXT_GLOVE_SIF));
  const image = block(await builtBackboneManifest(IMAGE_MOBILENETV2));
  const spam = await trainedSpamHead();
  const labels = ['bag', 'scene', 'sneaker'];
  return {
    text,
    image,
    adapters: [
      ...seedAdapters(text),
      { label: 'graft-train-hybrid', manifest: spam.manifest, model: spam.model, modality: 'text' },
      { label: 'mobilenet-linear', manifest: manifestFor('shoes', labels, [image]), model: linearHead(image.dim, labels.length, 5), modality: 'image' },
    ],
    images: FIXTURE_FILES.map((name) => ({ name, bytes: fixture(name) })),
  };
}
