import type { AdapterManifest } from '../../../core/schemas/adapter-manifest';
import type { SeededRandom } from './seeded-random';

export interface ManifestMutant {
  mutation: string;
  text: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A JSON object with one key written twice: JSON.parse keeps the last, a careless reader the first. */
function duplicateKey(manifest: AdapterManifest, random: SeededRandom): ManifestMutant {
  const key = random.pick(Object.keys(manifest) as (keyof AdapterManifest)[]);
  const liar: Record<string, unknown> = { labels: ['only'], features: [], name: 'other-name', task: 'multilabel', output: 'logits', format: 'graft.adapter/v0', metrics: 'none', training: null };
  const text = JSON.stringify(manifest);
  return { mutation: `json-duplicate-key:${key}`, text: `${text.slice(0, -1)},${JSON.stringify(key)}:${JSON.stringify(liar[key] ?? null)}}` };
}

const DEEP = '<deeply nested arrays>';

/** The manifest with one value replaced by a lie about sizes, counts, digests or kinds. */
function valueLie(manifest: AdapterManifest, random: SeededRandom): ManifestMutant {
  const lies: [string, () => Record<string, unknown>][] = [
    ['dim', () => ({ features: manifest.features.map((f, i) => (i === 0 ? { ...f, dim: random.pick([0, 1, f.dim + 1, 8192, 8193, 2 ** 31, -1, 1.5]) } : f)) })],
    ['labels-many', () => ({ labels: Array.from({ length: random.pick([1000, 1001, 20_000]) }, (_, i) => `l${i}`) })],
    ['labels-long', () => ({ labels: manifest.labels.map((l) => l.repeat(random.pick([100, 10_000]))) })],
    ['labels-surrogate', () => ({ labels: ['\ud800', '\udfff\ud800'] })],
    ['features-many', () => ({ features: Array.from({ length: random.pick([4, 5, 1000]) }, () => manifest.features[0]) })],
    ['model-bytes', () => ({ model: { sha256: 'a'.repeat(64), bytes: random.pick([1, 2 ** 53, -1]) } })],
    ['threshold', () => ({ task: 'multilabel', threshold: random.pick([0, 1, -0, 1e308, Number.MIN_VALUE]) })],
    ['deep-metrics', () => ({ metrics: { nested: DEEP } })],
  ];
  const [name, lie] = random.pick(lies);
  // Nesting too deep for JSON.stringify itself is spliced in as text.
  const text = JSON.stringify({ ...manifest, ...lie() }).replace(JSON.stringify(DEEP), '['.repeat(5000) + ']'.repeat(5000));
  return { mutation: `json-lie:${name}`, text };
}

/** Byte damage to the JSON text: flips or a cut. */
function damage(manifest: AdapterManifest, random: SeededRandom): ManifestMutant {
  const bytes = encoder.encode(JSON.stringify(manifest));
  if (random.chance(0.5)) return { mutation: 'json-truncate', text: decoder.decode(bytes.slice(0, random.int(0, bytes.length - 1))) };
  for (let i = random.int(1, 4); i > 0; i--) bytes[random.int(0, bytes.length - 1)]! ^= 1 << random.int(0, 7);
  return { mutation: 'json-bit-flip', text: decoder.decode(bytes) };
}

/** One mutation of an adapter manifest's JSON text. */
export function mutateManifest(manifest: AdapterManifest, random: SeededRandom): ManifestMutant {
  const kind = random.weighted({ duplicate: 2, lie: 3, damage: 2 });
  if (kind === 'duplicate') return duplicateKey(manifest, random);
  if (kind === 'lie') return valueLie(manifest, random);
  return damage(manifest, random);
}
