import type { BackboneManifest } from '../schemas/backbone-manifest';
import { textBatch, tokensBatch, type TextBatch } from '../text/bag-of-ids';
import type { Vocabulary } from '../text/vocabulary';

/** Runs the backbone graph on prepared inputs; Node and workerd plug in their ONNX Runtime. */
export type RunTextBackbone = (batch: TextBatch) => Promise<Float32Array>;

/** A text backbone ready to embed: its manifest, its vocabulary and a runtime. */
export interface TextEmbedder {
  /** Optional so embedders built before images existed still type-check; never 'image'. */
  readonly modality?: 'text';
  readonly manifest: BackboneManifest;
  embed(texts: readonly string[]): Promise<Float32Array>;
  /** The same, from each text's `tokenize` result, so a caller that tokenized once reuses it. */
  embedTokens?(tokens: readonly (readonly string[])[]): Promise<Float32Array>;
}

export function textEmbedder(manifest: BackboneManifest, vocabulary: Vocabulary, run: RunTextBackbone): TextEmbedder {
  return {
    modality: 'text',
    manifest,
    embed: (texts) => run(textBatch(texts, vocabulary)),
    embedTokens: (tokens) => run(tokensBatch(tokens, vocabulary)),
  };
}
