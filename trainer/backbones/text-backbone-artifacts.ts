import { sha256Hex } from '../../core/hash/sha256';
import type { BackboneManifest } from '../../core/schemas/backbone-manifest';
import { MAX_DISTINCT_TOKENS, MAX_TEXT_CHARS } from '../../core/text/limits';
import { textBackboneModel } from './text-backbone-graph';

export interface TextBackboneSource {
  id: string;
  version: string;
  /** Vocabulary in id order: word i has id i + 1. */
  words: readonly string[];
  /** [words + 1, dim] row-major; row 0 is padding and stays zero. */
  vectors: Float32Array;
  /** [words + 1]; entry 0 stays zero. */
  weights: Float32Array;
  dim: number;
  source: Record<string, unknown>;
}

/** The files of a `text-bag-of-ids/v1` backbone: ONNX graph, vocabulary and manifest. */
export async function textBackboneArtifacts(spec: TextBackboneSource): Promise<{ model: Uint8Array; vocabulary: string; manifest: BackboneManifest }> {
  const model = textBackboneModel(spec.vectors, spec.weights, spec.dim, { 'graft.backbone': spec.id });
  const vocabulary = spec.words.join('\n') + '\n';
  const manifest: BackboneManifest = {
    id: spec.id,
    version: spec.version,
    modality: 'text',
    sha256: await sha256Hex(model),
    bytes: model.length,
    file: 'model.onnx',
    inputs: [
      { name: 'ids', dtype: 'int32', shape: ['N', 'L'] },
      { name: 'counts', dtype: 'float32', shape: ['N', 'L'] },
    ],
    output: { name: 'embedding', dim: spec.dim },
    preprocess: { routine: 'text-bag-of-ids/v1', vocabulary: 'vocab.txt', max_distinct_tokens: MAX_DISTINCT_TOKENS, max_chars: MAX_TEXT_CHARS },
    assets: [{ path: 'vocab.txt', sha256: await sha256Hex(vocabulary), bytes: new TextEncoder().encode(vocabulary).length }],
    source: spec.source,
  };
  return { model, vocabulary, manifest };
}
