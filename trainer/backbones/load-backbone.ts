import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { textEmbedder, type TextEmbedder } from '../../core/features/text-embedder';
import { sha256Hex } from '../../core/hash/sha256';
import { BackboneManifest } from '../../core/schemas/backbone-manifest';
import { Vocabulary } from '../../core/text/vocabulary';
import { UsageError } from '../cli/usage-error';
import { backboneDir } from '../paths';
import { createNodeSession, ort, type OrtProvider } from '../runtime/ort-node';
import { KNOWN_BACKBONES } from './known-backbones';

export interface LoadedBackbone {
  dir: string;
  manifest: BackboneManifest;
  model: Uint8Array;
  vocabulary: string;
}

/** Reads a built backbone and checks its bytes against the manifest's sha256. */
export async function readBackbone(id: string): Promise<LoadedBackbone> {
  if (!KNOWN_BACKBONES.includes(id)) {
    throw new UsageError(`unknown backbone "${id}"`, `use one of: ${KNOWN_BACKBONES.join(', ')}`);
  }
  const dir = backboneDir(id);
  let manifestText: string;
  try {
    manifestText = await readFile(path.join(dir, 'manifest.json'), 'utf8');
  } catch {
    throw new UsageError(`backbone "${id}" is not built (no ${dir}/manifest.json)`, `run: graft backbones build ${id}`);
  }
  const manifest = BackboneManifest.parse(JSON.parse(manifestText));
  const model = new Uint8Array(await readFile(path.join(dir, manifest.file)));
  if ((await sha256Hex(model)) !== manifest.sha256) {
    throw new UsageError(`backbone "${id}" in ${dir} does not match its manifest's sha256`, `rebuild it: graft backbones build ${id}`);
  }
  // Image backbones have no vocabulary: their preprocessing is all in core/image.
  const { preprocess } = manifest;
  const vocabulary = preprocess.routine === 'text-bag-of-ids/v1' ? await readFile(path.join(dir, preprocess.vocabulary), 'utf8') : '';
  return { dir, manifest, model, vocabulary };
}

/** A backbone ready to embed texts in Node through onnxruntime-node. */
export async function loadTextEmbedder(id: string): Promise<{ embedder: TextEmbedder; provider: OrtProvider }> {
  const backbone = await readBackbone(id);
  if (backbone.manifest.modality !== 'text') throw new UsageError(`backbone "${id}" embeds ${backbone.manifest.modality}s, not texts`, 'pick a text backbone');
  const { session, provider } = await createNodeSession(backbone.model);
  const embedder = textEmbedder(backbone.manifest, Vocabulary.parse(backbone.vocabulary), async (batch) => {
    const result = await session.run({
      ids: new ort.Tensor('int32', batch.ids, [batch.rows, batch.width]),
      counts: new ort.Tensor('float32', batch.counts, [batch.rows, batch.width]),
    });
    return result[backbone.manifest.output.name]!.data as Float32Array;
  });
  return { embedder, provider };
}
