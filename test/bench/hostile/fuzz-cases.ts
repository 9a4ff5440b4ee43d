import type { Modality } from '../../../core/inputs/input-batch';
import type { Mutant } from './byte-mutations';
import type { FuzzSeeds } from './fuzz-seeds';
import { mutateJpeg } from './jpeg-mutations';
import { mutateManifest } from './manifest-mutations';
import { mutateModel } from './model-mutations';
import { multipartBody, type FormPart } from './multipart-body';
import { mutatePng } from './png-mutations';
import { parseMessage } from './protobuf-tree';
import { SeededRandom } from './seeded-random';
import { mutateWav } from './wav-mutations';

export interface FuzzRequest {
  method: 'PUT' | 'POST';
  path: string;
  body: Uint8Array;
  type: string;
}

/** One mutated input and how it travels; a function of (run seed, index) alone. */
export interface FuzzCase {
  index: number;
  /** What was mutated: model, manifest, upload-form, png, jpeg, wav, predict-form. */
  family: string;
  mutation: string;
  /** The valid file it started from. */
  seed: string;
  request: FuzzRequest;
  /** Audio sent as an image: anything but a refusal is a failure. */
  mustRefuse: boolean;
  /** An accepted upload is predicted once with an input of this kind, then deleted. */
  followUp?: { adapter: string; modality: Modality };
}

const FAMILIES = { model: 30, manifest: 8, 'upload-form': 4, png: 20, jpeg: 20, wav: 10, 'predict-form': 8 } as const;
type Family = keyof typeof FAMILIES;

const encoder = new TextEncoder();
const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

/** An adapter name no other case uses, so cases can run in parallel and each upload starts fresh. */
export const caseAdapter = (index: number) => `fz-${index}`;

/** A quarter of mutants get a second mutation on top, where the first left a file that still parses. */
function stacked(first: Mutant, random: SeededRandom, again: (m: Mutant) => Mutant | undefined): Mutant {
  if (!random.chance(0.25)) return first;
  let second: Mutant | undefined;
  try {
    second = again(first);
  } catch {
    // The first mutation broke the structure the second would walk: keep the first alone.
    return first;
  }
  return second ? { mutation: `${first.mutation}+${second.mutation}`, bytes: second.bytes } : first;
}

function uploadRequest(adapter: string, parts: FormPart[]): FuzzRequest {
  const { body, type } = multipartBody(parts);
  return { method: 'PUT', path: `/v1/adapters/${adapter}`, body, type };
}

const manifestPart = (text: string): FormPart => ({ name: 'manifest', data: text, type: 'application/json' });
const modelPart = (model: Uint8Array): FormPart => ({ name: 'model', data: model, filename: 'adapter.onnx', type: 'application/octet-stream' });

/** The upload form itself mangled: parts repeated, swapped, missing, empty or in the thousands. */
function uploadFormMutant(manifest: string, model: Uint8Array, other: Uint8Array, random: SeededRandom): { mutation: string; parts: FormPart[] } {
  const variants: [string, () => FormPart[]][] = [
    ['model-twice', () => [manifestPart(manifest), modelPart(model), modelPart(other)]],
    ['manifest-twice', () => [manifestPart(manifest), manifestPart('{"format":"graft.adapter/v0"}'), modelPart(model)]],
    ['model-as-text', () => [manifestPart(manifest), { name: 'model', data: new TextDecoder().decode(model) }]],
    ['manifest-as-file', () => [{ ...manifestPart(manifest), filename: 'manifest.json' }, modelPart(model)]],
    ['no-model', () => [manifestPart(manifest)]],
    ['empty-model', () => [manifestPart(manifest), modelPart(new Uint8Array())]],
    ['reversed', () => [modelPart(model), manifestPart(manifest)]],
    ['junk-parts', () => [...Array.from({ length: random.pick([100, 2000]) }, (_, i) => ({ name: `junk${i % 7}`, data: 'x' })), manifestPart(manifest), modelPart(model)]],
  ];
  const [mutation, parts] = random.pick(variants);
  return { mutation: `form:${mutation}`, parts: parts() };
}

function uploadCase(index: number, family: Family, seeds: FuzzSeeds, random: SeededRandom): Omit<FuzzCase, 'index' | 'family'> {
  const seed = random.pick(seeds.adapters);
  const adapter = caseAdapter(index);
  // Without the digest `graft train` writes: it would refuse every mutant model before the validator.
  const { model: _digest, ...unpinned } = seed.manifest;
  const manifest = JSON.stringify({ ...unpinned, name: adapter });
  const followUp = { adapter, modality: seed.modality };
  if (family === 'model') {
    const mutant = stacked(mutateModel(seed.tree, seed.model, random), random, (m) => {
      const tree = parseMessage(m.bytes);
      return tree ? mutateModel(tree, m.bytes, random) : undefined;
    });
    return { mutation: mutant.mutation, seed: seed.label, request: uploadRequest(adapter, [manifestPart(manifest), modelPart(mutant.bytes)]), mustRefuse: false, followUp };
  }
  if (family === 'manifest') {
    const mutant = mutateManifest({ ...seed.manifest, name: adapter }, random);
    return { mutation: mutant.mutation, seed: seed.label, request: uploadRequest(adapter, [manifestPart(mutant.text), modelPart(seed.model)]), mustRefuse: false, followUp };
  }
  const { mutation, parts } = uploadFormMutant(manifest, seed.model, random.pick(seeds.adapters).model, random);
  return { mutation, seed: seed.label, request: uploadRequest(adapter, parts), mustRefuse: false, followUp };
}

/** The mutant among 0 to 2 valid images, as JSON base64 (sometimes a data: URL) or multipart files. */
function imagesRequest(adapter: string, mutant: Uint8Array, seeds: FuzzSeeds, random: SeededRandom): FuzzRequest {
  const images = Array.from({ length: random.int(0, 2) }, () => random.pick(seeds.images).bytes);
  images.splice(random.int(0, images.length), 0, mutant);
  const path = `/v1/adapters/${adapter}/predict`;
  if (random.chance(0.5)) {
    const encoded = images.map((b) => (random.chance(0.2) ? `data:image/png;base64,${base64(b)}` : base64(b)));
    return { method: 'POST', path, body: encoder.encode(JSON.stringify({ images: encoded, top_k: 2 })), type: 'application/json' };
  }
  const { body, type } = multipartBody([...images.map((data, i) => ({ name: 'image', data, filename: `img-${i}`, type: 'application/octet-stream' })), { name: 'top_k', data: '2' }]);
  return { method: 'POST', path, body, type };
}

/** Predict bodies whose framing lies rather than an image: repeated or odd fields, bad base64. */
function predictFormMutant(adapter: string, seeds: FuzzSeeds, random: SeededRandom): { mutation: string; request: FuzzRequest } {
  const path = `/v1/adapters/${adapter}/predict`;
  const image = random.pick(seeds.images).bytes;
  const file = (i = 0): FormPart => ({ name: 'image', data: image, filename: `img-${i}` });
  const form = (mutation: string, parts: FormPart[]) => ({ mutation: `form:${mutation}`, request: { method: 'POST' as const, path, ...multipartBody(parts) } });
  const json = (mutation: string, body: string) => ({ mutation: `json:${mutation}`, request: { method: 'POST' as const, path, body: encoder.encode(body), type: 'application/json' } });
  const variants: (() => { mutation: string; request: FuzzRequest })[] = [
    () => form('top-k-twice', [file(), { name: 'top_k', data: '2' }, { name: 'top_k', data: '3' }]),
    () => form('top-k-odd', [file(), { name: 'top_k', data: random.pick(['0', '-1', '1e400', 'NaN', '1001', ' ', '0x10']) }]),
    () => form('version-odd', [file(), { name: 'version', data: random.pick(['0', '9007199254740993', 'latest']) }]),
    () => form('image-as-text', [{ name: 'image', data: base64(image) }]),
    () => form('nine-images', Array.from({ length: 9 }, (_, i) => file(i))),
    () => form('junk-fields', [...Array.from({ length: random.pick([100, 2000]) }, (_, i) => ({ name: `f${i % 5}`, data: 'y' })), file()]),
    () => form('inputs-and-image', [file(), { name: 'inputs', data: 'hello' }]),
    () => json('base64-junk', JSON.stringify({ images: [random.pick(['%%%%', '====', 'QQ', 'data:image/png;base64', 'data:,', ' '.repeat(1000), `${base64(image)}!`])] })),
    () => json('images-not-array', JSON.stringify({ images: base64(image) })),
    () => json('nine-images', JSON.stringify({ images: Array.from({ length: 9 }, () => base64(image)) })),
    () => json('both-kinds', JSON.stringify({ images: [base64(image)], inputs: ['x'] })),
    () => json('duplicate-key', `{"images":[${JSON.stringify(base64(image))}],"images":"x"}`),
    () => json('deep', `{"images":${'['.repeat(10_000)}${']'.repeat(10_000)}}`),
  ];
  return random.pick(variants)();
}

function predictCase(family: Family, seeds: FuzzSeeds, random: SeededRandom): Omit<FuzzCase, 'index' | 'family'> {
  const adapter = random.pick(seeds.imageAdapters);
  if (family === 'predict-form') return { ...predictFormMutant(adapter, seeds, random), seed: adapter, mustRefuse: false };
  if (family === 'wav') {
    const mutant = mutateWav(random);
    return { mutation: mutant.mutation, seed: 'tone.wav', request: imagesRequest(adapter, mutant.bytes, seeds, random), mustRefuse: true };
  }
  const type = family === 'png' ? [0x89, 0x50] : [0xff, 0xd8];
  const seed = random.pick(seeds.images.filter((i) => i.bytes[0] === type[0] && i.bytes[1] === type[1]));
  const mutate = family === 'png' ? mutatePng : mutateJpeg;
  const mutant = stacked(mutate(seed.bytes, random), random, (m) => mutate(m.bytes, random));
  return { mutation: mutant.mutation, seed: seed.name, request: imagesRequest(adapter, mutant.bytes, seeds, random), mustRefuse: false };
}

/** Case `index` of the run seeded `seed`. */
export function fuzzCase(seeds: FuzzSeeds, seed: number, index: number): FuzzCase {
  const random = SeededRandom.forCase(seed, index);
  const family = random.weighted(FAMILIES);
  const built = family === 'model' || family === 'manifest' || family === 'upload-form' ? uploadCase(index, family, seeds, random) : predictCase(family, seeds, random);
  return { index, family, ...built };
}
