import { textEmbedder, type TextEmbedder } from '../../core/features/text-embedder';
import { sha256Hex } from '../../core/hash/sha256';
import type { BackboneManifest } from '../../core/schemas/backbone-manifest';
import { backboneObjectKey } from '../../core/storage/keys';
import { Vocabulary } from '../../core/text/vocabulary';
import { Problem } from '../problems';
import type { InferenceSession } from '../runtime/ort-web';
import { newSession } from './ort-state';
import { runForFloats, Tensor } from './ort-run';

/** Loaded backbones, one per id: the sha256 the catalog names. Loaded on first use, never at
 * module scope, so a cold isolate that only answers /healthz pays nothing. */
interface Slot {
  sha256: string;
  ready: Promise<{ embedder: TextEmbedder; session: InferenceSession }>;
  settled: boolean;
}
const loaded = new Map<string, Slot>();

async function readVerified(bucket: R2Bucket, key: string, sha256: string): Promise<Uint8Array> {
  const object = await bucket.get(key);
  if (!object) throw new Problem('backbone_corrupt', `missing backbone object ${key}`);
  const bytes = new Uint8Array(await object.arrayBuffer());
  if ((await sha256Hex(bytes)) !== sha256) throw new Problem('backbone_corrupt', `backbone object ${key} does not match its sha256`);
  return bytes;
}

async function load(bucket: R2Bucket, manifest: BackboneManifest): Promise<{ embedder: TextEmbedder; session: InferenceSession }> {
  const { id, sha256, preprocess } = manifest;
  if (preprocess.routine !== 'text-bag-of-ids/v1') throw new Problem('modality_mismatch', `backbone ${id} embeds images, not texts`);
  const vocabAsset = manifest.assets.find((a) => a.path === preprocess.vocabulary);
  if (!vocabAsset) throw new Problem('backbone_corrupt', `backbone ${id} lists no asset ${preprocess.vocabulary}`);
  const [model, vocab] = await Promise.all([
    readVerified(bucket, backboneObjectKey(id, sha256, manifest.file), sha256),
    readVerified(bucket, backboneObjectKey(id, sha256, vocabAsset.path), vocabAsset.sha256),
  ]);
  const session = await newSession(model);
  const vocabulary = Vocabulary.parse(new TextDecoder().decode(vocab));
  const output = manifest.output.name;
  const embedder = textEmbedder(manifest, vocabulary, async (batch) => {
    const feeds = {
      ids: new Tensor('int32', batch.ids, [batch.rows, batch.width]),
      counts: new Tensor('float32', batch.counts, [batch.rows, batch.width]),
    };
    return (await runForFloats(session, feeds, output)).data;
  });
  return { embedder, session };
}

/** The embedder for exactly these bytes; a new sha256 for the id replaces (and frees) the old. */
export async function backboneEmbedder(bucket: R2Bucket, manifest: BackboneManifest): Promise<TextEmbedder> {
  const current = loaded.get(manifest.id);
  if (current?.sha256 === manifest.sha256) return (await current.ready).embedder;
  // Requests still embedding with the old session finish first: runs are queued by the run lock.
  current?.ready.then(({ session }) => session.release()).catch(() => undefined);
  const slot: Slot = { sha256: manifest.sha256, ready: load(bucket, manifest), settled: false };
  loaded.set(manifest.id, slot);
  slot.ready.then(
    () => (slot.settled = true),
    () => loaded.get(manifest.id) === slot && loaded.delete(manifest.id),
  );
  return (await slot.ready).embedder;
}

/** Backbones resident in this isolate. */
export function loadedBackbones(): { id: string; sha256: string }[] {
  return [...loaded].filter(([, slot]) => slot.settled).map(([id, { sha256 }]) => ({ id, sha256 }));
}

export function isBackboneLoaded(id: string, sha256: string): boolean {
  const slot = loaded.get(id);
  return slot?.sha256 === sha256 && slot.settled;
}
