import { bagOfIdsBackboneFromBytes, bagOfIdsTextEmbedder, type BagOfIdsBackbone } from '../../core/features/bag-of-ids-backbone';
import { textEmbedder, type TextEmbedder } from '../../core/features/text-embedder';
import type { BackboneManifest } from '../../core/schemas/backbone-manifest';
import { backboneObjectKey } from '../../core/storage/keys';
import { Vocabulary } from '../../core/text/vocabulary';
import { Problem } from '../problems';
import { readVerified, residentBackbones, type LoadedBackbone } from './loaded-backbones';
import { newSession } from './ort-state';
import { runForFloats, Tensor } from './ort-run';

/** The graph evaluated in TypeScript when it is provably what ORT would compute for these
 * inputs and this output; undefined sends it to ORT, which also reports any malformed bytes. */
function typescriptBackbone(model: Uint8Array, manifest: BackboneManifest, vocabulary: Vocabulary): BagOfIdsBackbone | undefined {
  let backbone: BagOfIdsBackbone | undefined;
  try {
    backbone = bagOfIdsBackboneFromBytes(model);
  } catch {
    return undefined;
  }
  const fits = backbone && backbone.dim === manifest.output.dim && backbone.outputName === manifest.output.name && vocabulary.size < backbone.rows;
  return fits ? backbone : undefined;
}

async function load(bucket: R2Bucket, manifest: BackboneManifest): Promise<LoadedBackbone<TextEmbedder>> {
  const { id, sha256, preprocess } = manifest;
  if (preprocess.routine !== 'text-bag-of-ids/v1') throw new Problem('modality_mismatch', `backbone ${id} embeds images, not texts`);
  const vocabAsset = manifest.assets.find((a) => a.path === preprocess.vocabulary);
  if (!vocabAsset) throw new Problem('backbone_corrupt', `backbone ${id} lists no asset ${preprocess.vocabulary}`);
  const [model, vocab] = await Promise.all([
    readVerified(bucket, backboneObjectKey(id, sha256, manifest.file), sha256),
    readVerified(bucket, backboneObjectKey(id, sha256, vocabAsset.path), vocabAsset.sha256),
  ]);
  const vocabulary = Vocabulary.parse(new TextDecoder().decode(vocab));
  const native = typescriptBackbone(model, manifest, vocabulary);
  // No ORT session: ORT need not even load, and the table is not copied into its wasm heap.
  if (native) return { embedder: bagOfIdsTextEmbedder(manifest, vocabulary, native), release: () => undefined };
  const session = await newSession(model);
  const output = manifest.output.name;
  const embedder = textEmbedder(manifest, vocabulary, async (batch) => {
    const feeds = {
      ids: new Tensor('int32', batch.ids, [batch.rows, batch.width]),
      counts: new Tensor('float32', batch.counts, [batch.rows, batch.width]),
    };
    return (await runForFloats(session, feeds, output)).data;
  });
  return { embedder, release: () => void session.release() };
}

/** The embedder for exactly these bytes; a new sha256 for the id replaces (and frees) the old. */
export function backboneEmbedder(bucket: R2Bucket, manifest: BackboneManifest): Promise<TextEmbedder> {
  return residentBackbones.embedder(manifest.id, manifest.sha256, () => load(bucket, manifest));
}
