import type { Embedder } from '../backbones/backbone-routine';
import type { HeadInputBlock } from '../heads/dense-head';
import { pixelBatch } from '../image/pixel-features';
import { itemsOf, memo, type InputBatch } from '../inputs/input-batch';
import { tokensOf } from '../inputs/text-tokens';
import { isBackboneFeature, type BackboneFeature, type FeatureBlock, type PixelsFeature } from '../schemas/feature-block';
import { hashedNgramsSparseFromTokens } from '../text/hashed-ngrams';

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

/** Loaded backbones by id. */
export type Embedders = ReadonlyMap<string, Embedder>;

/** Cache key of a pixels block; never a backbone id (those cannot contain ':'). */
export function pixelsCacheKey(block: Pick<PixelsFeature, 'side' | 'channels'>): string {
  return `pixels:${block.side}x${block.side}x${block.channels}`;
}

/** Where a backbone or pixels block's values for a batch sit in the batch's memo: a caller that
 * already has them (the trainer's feature cache) puts them there. */
export function blockCacheKey(block: BackboneFeature | PixelsFeature): string {
  return isBackboneFeature(block) ? block.source : pixelsCacheKey(block);
}

/** The loaded backbone a block pins, refused unless its bytes and width are the ones pinned. */
export function pinnedBackbone(block: BackboneFeature, backbones: Embedders): Embedder {
  const backbone = backbones.get(block.source);
  if (!backbone || backbone.manifest.sha256 !== block.sha256 || backbone.manifest.output.dim !== block.dim) {
    throw new BackboneMismatchError(block.source, block.sha256, backbone?.manifest.sha256);
  }
  return backbone;
}

/**
 * One block's values for the batch, with the same `core/` code on every side, computed once per
 * batch however many heads read it. Hashed n-grams stay sparse when `sparse` is set (a dense
 * head multiplies only their non-zeros). The one place that knows every kind of feature block.
 */
async function blockValues(block: FeatureBlock, batch: InputBatch, backbones: Embedders, sparse: boolean): Promise<HeadInputBlock> {
  const { dim } = block;
  if (isBackboneFeature(block)) {
    const backbone = pinnedBackbone(block, backbones);
    return { dim, dense: await memo(batch, blockCacheKey(block), () => backbone.embed(batch)) };
  }
  if (block.source === 'pixels') {
    const images = itemsOf(batch, 'image', block.source);
    return { dim, dense: await memo(batch, blockCacheKey(block), () => pixelBatch(images, block)) };
  }
  const tokens = tokensOf(batch, block.source);
  const rows = memo(batch, `ngrams:${dim}/${block.ngrams.join(',')}`, () => tokens.map((t) => hashedNgramsSparseFromTokens(t, block)));
  if (sparse) return { dim, sparse: rows };
  const dense = new Float32Array(rows.length * dim);
  rows.forEach(({ indices, values }, row) => indices.forEach((bucket, i) => (dense[row * dim + bucket] = values[i]!)));
  return { dim, dense };
}

/** The head's input as its blocks, in manifest order: dense [rows, dim] each, or sparse rows
 * where a block allows it and the caller (a TypeScript-evaluated head) asks for it. */
export async function featureBlocks(blocks: readonly FeatureBlock[], batch: InputBatch, backbones: Embedders, options: { sparse: boolean }): Promise<HeadInputBlock[]> {
  const out: HeadInputBlock[] = [];
  for (const block of blocks) out.push(await blockValues(block, batch, backbones, options.sparse));
  return out;
}

/** Dense blocks side by side per row → float32 [rows, sum(dims)], as a head's ONNX input. */
export function concatBlocks(blocks: readonly HeadInputBlock[], rows: number): Float32Array {
  const width = blocks.reduce((sum, block) => sum + block.dim, 0);
  const out = new Float32Array(rows * width);
  let offset = 0;
  for (const block of blocks) {
    if (!('dense' in block)) throw new TypeError('an ONNX head takes dense blocks only');
    for (let row = 0; row < rows; row++) out.set(block.dense.subarray(row * block.dim, (row + 1) * block.dim), row * width + offset);
    offset += block.dim;
  }
  return out;
}

/**
 * The head's input for a batch: every feature block the manifest declares, computed with the same
 * `core/` code the trainer used, concatenated per row in manifest order → float32 [N, sum(dims)].
 */
export async function assembleFeatures(blocks: readonly FeatureBlock[], batch: InputBatch, backbones: Embedders): Promise<Float32Array> {
  return concatBlocks(await featureBlocks(blocks, batch, backbones, { sparse: false }), batch.items.length);
}
