import { pixelBatch } from '../image/pixel-features';
import { isBackboneFeature, type BackboneFeature, type FeatureBlock, type PixelsFeature } from '../schemas/feature-block';
import { hashedNgrams } from '../text/hashed-ngrams';
import type { ImageEmbedder } from './image-embedder';
import type { TextEmbedder } from './text-embedder';

/** An adapter pins a backbone by sha256; serving it on other bytes would give silent garbage. */
export class BackboneMismatchError extends Error {
  constructor(
    readonly backbone: string,
    readonly expected: string,
    readonly actual: string | undefined,
  ) {
    super(
      actual === undefined
        ? `backbone ${backbone} is not available`
        : `backbone ${backbone} has sha256 ${actual}, the adapter was trained on ${expected}`,
    );
    this.name = 'BackboneMismatchError';
  }
}

/** The input kind does not match a block: an image adapter was sent texts, or the reverse. */
export class ModalityMismatchError extends Error {
  constructor(readonly block: string, readonly expected: 'text' | 'image') {
    super(`feature block ${block} needs ${expected} inputs`);
    this.name = 'ModalityMismatchError';
  }
}

/** Texts, or encoded JPEG/PNG files: one batch is one kind. */
export type ModelInputs = readonly string[] | readonly Uint8Array[];

function isTexts(inputs: ModelInputs): inputs is readonly string[] {
  return inputs.every((input) => typeof input === 'string');
}

/** Blocks already computed for a batch, per backbone id (and per pixels shape, `pixelsCacheKey`),
 * so several heads share one backbone pass and one decode. */
export type EmbeddingCache = Map<string, Promise<Float32Array>>;

/** Cache key of a pixels block; never a backbone id (those cannot contain ':'). */
export function pixelsCacheKey(block: Pick<PixelsFeature, 'side' | 'channels'>): string {
  return `pixels:${block.side}x${block.side}x${block.channels}`;
}

/** Where a backbone or pixels block's values for a batch sit in an EmbeddingCache. */
export function blockCacheKey(block: BackboneFeature | PixelsFeature): string {
  return isBackboneFeature(block) ? block.source : pixelsCacheKey(block);
}

/** The loaded backbone a block pins, refused unless its bytes and width are the ones pinned. */
export function pinnedBackbone<B extends TextEmbedder | ImageEmbedder>(block: BackboneFeature, backbones: ReadonlyMap<string, B>): B {
  const backbone = backbones.get(block.source);
  if (!backbone || backbone.manifest.sha256 !== block.sha256 || backbone.manifest.output.dim !== block.dim) {
    throw new BackboneMismatchError(block.source, block.sha256, backbone?.manifest.sha256);
  }
  return backbone;
}

/** The value under `key`, computed once per map: blocks shared by several heads of one request. */
export function once<V>(map: Map<string, V>, key: string, compute: () => V): V {
  let value = map.get(key);
  if (value === undefined) map.set(key, (value = compute()));
  return value;
}

/**
 * The head's input for a batch: every feature block the manifest declares, computed with the same
 * `core/` code the trainer used, concatenated per row in manifest order → float32 [N, sum(dims)].
 */
export async function assembleFeatures(
  blocks: readonly FeatureBlock[],
  inputs: ModelInputs,
  backbones: ReadonlyMap<string, TextEmbedder | ImageEmbedder>,
  cache: EmbeddingCache = new Map(),
): Promise<Float32Array> {
  const width = blocks.reduce((sum, block) => sum + block.dim, 0);
  const rows = inputs.length;
  const texts = isTexts(inputs) ? inputs : undefined;
  const out = new Float32Array(rows * width);
  let offset = 0;
  for (const block of blocks) {
    if (isBackboneFeature(block)) {
      const backbone = pinnedBackbone(block, backbones);
      const embedding = await once(cache, blockCacheKey(block), () => {
        if (backbone.modality === 'image') {
          if (texts && rows > 0) throw new ModalityMismatchError(block.source, 'image');
          return backbone.embed(inputs as readonly Uint8Array[]);
        }
        if (!texts) throw new ModalityMismatchError(block.source, 'text');
        return backbone.embed(texts);
      });
      for (let row = 0; row < rows; row++) {
        out.set(embedding.subarray(row * block.dim, (row + 1) * block.dim), row * width + offset);
      }
    } else if (block.source === 'pixels') {
      if (texts && rows > 0) throw new ModalityMismatchError(block.source, 'image');
      const pixels = await once(cache, blockCacheKey(block), () => pixelBatch(inputs as readonly Uint8Array[], block));
      for (let row = 0; row < rows; row++) {
        out.set(pixels.subarray(row * block.dim, (row + 1) * block.dim), row * width + offset);
      }
    } else {
      if (!texts) throw new ModalityMismatchError(block.source, 'text');
      const scratch = new Float32Array(block.dim);
      texts.forEach((text, row) => out.set(hashedNgrams(text, block, scratch), row * width + offset));
    }
    offset += block.dim;
  }
  return out;
}
