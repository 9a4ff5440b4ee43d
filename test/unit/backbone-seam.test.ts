import { describe, expect, it } from 'vitest';
import { RoutineError } from '../../core/backbones/backbone-routine';
import { registerRoutine, routineNames, routineOf } from '../../core/backbones/routines';
import { textBagOfIds } from '../../core/backbones/text-bag-of-ids/text-bag-of-ids-routine';
import { BackboneMismatchError } from '../../core/features/assemble-features';
import { MixedModalityError, modalityOf } from '../../core/features/modality-of';
import { inputBatch, itemsOf, ModalityMismatchError } from '../../core/inputs/input-batch';
import { BackboneManifest } from '../../core/schemas/backbone-manifest';
import type { FeatureBlock } from '../../core/schemas/feature-block';
import { IMAGE_PREPROCESS } from '../../trainer/backbones/image-mobilenet-v2';

const SHA = 'a'.repeat(64);
const backbones = new Map([
  ['words', { modality: 'text' as const }],
  ['pictures', { modality: 'image' as const }],
]);
const ngrams: FeatureBlock = { source: 'hashed-ngrams', dim: 64, ngrams: [1] };
const pixels: FeatureBlock = { source: 'pixels', dim: 16, side: 4, channels: 1 };
const words: FeatureBlock = { source: 'words', sha256: SHA, dim: 8 };
const pictures: FeatureBlock = { source: 'pictures', sha256: SHA, dim: 8 };

describe('modalityOf: what an adapter reads', () => {
  it('follows backbone manifests and built-in block kinds', () => {
    expect(modalityOf([words, ngrams], backbones)).toBe('text');
    expect(modalityOf([pictures, pixels], backbones)).toBe('image');
    expect(modalityOf([ngrams], new Map())).toBe('text');
  });

  it('names every modality and the blocks that read it when they mix', () => {
    const error = (() => {
      try {
        modalityOf([words, pixels, ngrams, pictures], backbones);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(MixedModalityError);
    expect((error as MixedModalityError).message).toBe('feature blocks mix text (words, hashed-ngrams) and image (pixels, pictures) inputs; an adapter reads one kind of input');
    expect(Object.fromEntries((error as MixedModalityError).sources)).toEqual({ text: ['words', 'hashed-ngrams'], image: ['pixels', 'pictures'] });
  });

  it('refuses a backbone it does not know', () => {
    expect(() => modalityOf([{ source: 'elsewhere', sha256: SHA, dim: 8 }], backbones)).toThrow(BackboneMismatchError);
  });
});

describe('input batches carry their modality', () => {
  it('hands items only to blocks of the same modality, naming both in the refusal', () => {
    const batch = inputBatch('text', ['hello']);
    expect(itemsOf(batch, 'text', 'words')).toEqual(['hello']);
    expect(() => itemsOf(batch, 'image', 'pixels')).toThrow(new ModalityMismatchError('pixels', 'image', 'text'));
    expect(() => itemsOf(batch, 'image', 'pixels')).toThrow('feature block pixels needs image inputs; this batch holds text inputs');
  });
});

describe('the routine registry', () => {
  const manifest = {
    id: 'x',
    version: '1',
    modality: 'image',
    sha256: SHA,
    bytes: 1,
    inputs: [{ name: 'pixels', dtype: 'float32', shape: ['N', 224, 224, 3] }],
    output: { name: 'embedding', dim: 8 },
    preprocess: IMAGE_PREPROCESS,
    assets: [],
  };

  it('parses each preprocess with its routine’s own schema', () => {
    const parsed = BackboneManifest.parse(manifest);
    expect(routineOf(parsed).routine.routine).toBe('image-rgb/v1');
    expect(routineOf(parsed).preprocess).toEqual(IMAGE_PREPROCESS);
  });

  it('refuses an unknown routine, a bad preprocess and a modality the routine does not read', () => {
    expect(BackboneManifest.safeParse({ ...manifest, preprocess: { routine: 'audio-mel/v9' } }).error?.issues[0]?.message).toMatch(/unknown preprocess routine audio-mel\/v9/);
    expect(BackboneManifest.safeParse({ ...manifest, preprocess: { ...IMAGE_PREPROCESS, width: -1 } }).success).toBe(false);
    expect(BackboneManifest.safeParse({ ...manifest, modality: 'text' }).error?.issues[0]?.message).toMatch(/reads image inputs, not text/);
    expect(() => routineOf({ id: 'x', preprocess: { routine: 'nope/v1' } })).toThrow(RoutineError);
  });

  it('takes no second routine under a built-in name', () => {
    expect(() => registerRoutine(textBagOfIds)).toThrow(/already registered/);
    expect(routineNames()).toEqual(expect.arrayContaining(['text-bag-of-ids/v1', 'image-rgb/v1']));
  });
});
