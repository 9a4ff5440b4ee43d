import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { bagOfIdsBackboneFromBytes, bagOfIdsBackboneOf, bagOfIdsEmbedder, evaluateBagOfIdsBackbone, type BagOfIdsBackbone } from '../../core/backbones/text-bag-of-ids/bag-of-ids-backbone';
import { inputBatch } from '../../core/inputs/input-batch';
import { tokensOf } from '../../core/inputs/text-tokens';
import { decodeModel } from '../../core/onnx/decode-model';
import { encodeModel } from '../../core/onnx/encode-model';
import type { ModelProto, NodeProto } from '../../core/onnx/onnx-types';
import { makeTensor } from '../../core/onnx/tensor-data';
import { BagOfIdsBuffer, bagOfTokens, tokensBatch } from '../../core/text/bag-of-ids';
import { MAX_DISTINCT_TOKENS, MAX_TEXT_CHARS } from '../../core/text/limits';
import { tokenize } from '../../core/text/tokenize';
import { Vocabulary } from '../../core/text/vocabulary';
import { readBackbone, type BuiltBackbone } from '../../trainer/backbones/load-backbone';
import { builtVocabulary } from '../helpers/built-vocabulary';
import { textBackboneModel } from '../../trainer/backbones/text-backbone-graph';
import { TEXT_GLOVE_SIF } from '../../trainer/backbones/text-glove-sif';
import { seededFloats } from '../helpers/onnx-fixtures';
import { maxAbsDiff, ortBackboneEmbeddings, type Ort } from '../helpers/ort-compare';
import { tinyTextBackbone } from '../helpers/tiny-text-backbone';

/** Deterministic words from the vocabulary, so the long text has thousands of distinct known ids. */
function vocabularyText(words: readonly string[], chars: number, seed: number): string {
  const pick = seededFloats(chars, seed);
  const out: string[] = [];
  let length = 0;
  for (let i = 0; length < chars; i++) {
    const word = words[Math.floor(((pick[i % chars]! + 1) / 2) * (words.length - 1))]!;
    out.push(word);
    length += word.length + 1;
  }
  return out.join(' ').slice(0, chars);
}

function texts(words: readonly string[]): string[] {
  return [
    '',
    'qzxv wqpz xxyzzy',
    '?!... --- *** ,,, ;;',
    'Win a FREE cruise!!! Click now, free money',
    'La réunion est demain à 10h ; merci de confirmer. Élève, garçon, naïve.',
    'Встреча завтра в десять, не опаздывайте',
    '東京で会議があります。明日は雨です',
    'great news 🎉🎉 you won 🙂 the prize 🏆',
    'the the the the of of and and and and',
    '0123 456 7890 2002 1999 42',
    vocabularyText(words, MAX_TEXT_CHARS, 7),
    'money '.repeat(MAX_TEXT_CHARS / 6),
  ];
}


const RUNTIMES: [string, Ort][] = [
  ['onnxruntime-node', ortNode],
  ['onnxruntime-web (wasm, 1 thread)', ortWeb as unknown as Ort],
];

describe('text backbone in TypeScript: text-glove-sif against ONNX Runtime', () => {
  let backbone: BuiltBackbone;
  let vocabulary: Vocabulary;
  let native: BagOfIdsBackbone;
  let all: string[];

  beforeAll(async () => {
    ortWeb.env.wasm.numThreads = 1;
    ortWeb.env.logLevel = 'error';
    backbone = await readBackbone(TEXT_GLOVE_SIF);
    vocabulary = Vocabulary.parse(builtVocabulary(backbone));
    native = bagOfIdsBackboneFromBytes(backbone.model)!;
    all = texts(builtVocabulary(backbone).split('\n'));
  });

  it('recognises the built graph', () => {
    expect(native).toMatchObject({ rows: vocabulary.size + 1, dim: backbone.manifest.output.dim, outputName: 'embedding' });
    // The long text really exercises the distinct-token cap.
    expect(bagOfTokens(tokenize(all[10]!), vocabulary).ids.length).toBe(MAX_DISTINCT_TOKENS);
  });

  for (const [name, ort] of RUNTIMES) {
    it(`matches ${name} to 1e-6, text by text and as one batch of mixed lengths`, async () => {
      const embedder = bagOfIdsEmbedder(backbone.manifest, vocabulary, native);
      const dim = native.dim;
      let worst = 0;
      const batch = tokensBatch(all.map(tokenize), vocabulary);
      const fromOrt = await ortBackboneEmbeddings(ort, backbone.model, [...all.map((text) => tokensBatch([tokenize(text)], vocabulary)), batch]);
      for (const [i, text] of all.entries()) worst = Math.max(worst, maxAbsDiff(await embedder.embed(inputBatch('text', [text])), fromOrt[i]!));
      const expected = fromOrt.at(-1)!;
      const fromTexts = await embedder.embed(inputBatch('text', all));
      worst = Math.max(worst, maxAbsDiff(fromTexts, expected));
      // The padded-batch evaluator and the bag path are the same arithmetic.
      expect(evaluateBagOfIdsBackbone(native, batch)).toEqual(fromTexts);
      // A batch whose tokens another block already computed embeds the same.
      const tokenized = inputBatch('text', all);
      tokensOf(tokenized, 'hashed-ngrams');
      expect(await embedder.embed(tokenized)).toEqual(fromTexts);
      expect(worst).toBeLessThanOrEqual(1e-6);
      // No known word → the zero vector, not NaN; a known word → unit length.
      expect(Array.from(fromTexts.subarray(0, 2 * dim)).every((v) => v === 0)).toBe(true);
      expect(Math.hypot(...fromTexts.subarray(3 * dim, 4 * dim))).toBeCloseTo(1, 6);
    });
  }
});

describe('text backbone in TypeScript: the tiny test backbone', () => {
  it('is recognised and matches onnxruntime-node to 1e-6', async () => {
    const tiny = await tinyTextBackbone(3);
    const vocabulary = Vocabulary.parse(tiny.vocab);
    const native = bagOfIdsBackboneFromBytes(tiny.model)!;
    expect(native).toMatchObject({ rows: vocabulary.size + 1, dim: tiny.manifest.output.dim });
    const all = texts(tiny.vocab.split('\n'));
    const embedded = await bagOfIdsEmbedder(tiny.manifest, vocabulary, native).embed(inputBatch('text', all));
    expect(maxAbsDiff(embedded, (await ortBackboneEmbeddings(ortNode, tiny.model, [tokensBatch(all.map(tokenize), vocabulary)]))[0]!)).toBeLessThanOrEqual(1e-6);
  });

  it('refuses a vocabulary with more words than table rows', async () => {
    const tiny = await tinyTextBackbone();
    const native = bagOfIdsBackboneFromBytes(tiny.model)!;
    const longer = Vocabulary.parse(`${tiny.vocab}extra\n`);
    expect(() => bagOfIdsEmbedder(tiny.manifest, longer, native)).toThrow(RangeError);
  });
});

describe('BagOfIdsBuffer', () => {
  it('bags exactly like bagOfTokens, call after call, including the distinct-token cap', async () => {
    const tiny = await tinyTextBackbone();
    const vocabulary = Vocabulary.parse(tiny.vocab);
    const words = tiny.vocab.split('\n');
    const samples = [...texts(words), vocabularyText(words, 5_000, 3), 'free free money the free'];
    for (const max of [MAX_DISTINCT_TOKENS, 3]) {
      const buffer = new BagOfIdsBuffer(vocabulary, max);
      for (const text of [...samples, ...samples]) {
        const tokens = tokenize(text);
        const expected = bagOfTokens(tokens, vocabulary, max);
        const length = buffer.fill(tokens);
        expect({ ids: Array.from(buffer.ids.subarray(0, length)), counts: Array.from(buffer.counts.subarray(0, length)) }).toEqual(expected);
      }
    }
  });
});

describe('text backbone graph recognition', () => {
  const ROWS = 9;
  const DIM = 4;
  const vectors = seededFloats(ROWS * DIM, 5).fill(0, 0, DIM);
  const weights = seededFloats(ROWS, 6).map(Math.abs).fill(0, 0, 1);
  const bytes = textBackboneModel(vectors, weights, DIM, {});

  /** A fresh decoded copy of the exact graph the trainer emits, to mutate. */
  const model = (): ModelProto => decodeModel(bytes);
  const node = (m: ModelProto, opType: string, nth = 0): NodeProto => m.graph!.node.filter((n) => n.opType === opType)[nth]!;
  const replaceInitializer = (m: ModelProto, name: string, data: Float32Array | BigInt64Array, dims: number[]) => {
    const list = m.graph!.initializer!;
    list[list.findIndex((t) => t.name === name)] = makeTensor(name, data, dims);
  };

  it('recognises the graph textBackboneModel emits, also reordered or without the naming Identity', () => {
    expect(bagOfIdsBackboneOf(model())).toMatchObject({ rows: ROWS, dim: DIM, outputName: 'embedding', weights, vectors });
    const reordered = model();
    reordered.graph!.node.reverse();
    expect(bagOfIdsBackboneOf(reordered)).toBeDefined();
    const unnamed = model();
    const identity = unnamed.graph!.node.pop()!;
    unnamed.graph!.output[0]!.name = identity.input[0]!;
    expect(bagOfIdsBackboneOf(unnamed)).toMatchObject({ outputName: identity.input[0] });
  });

  const declined: [string, (m: ModelProto) => void][] = [
    ['another epsilon', (m) => replaceInitializer(m, 'epsilon', new Float32Array([1e-10]), [])],
    ['epsilon as a [1] tensor', (m) => replaceInitializer(m, 'epsilon', new Float32Array([1e-12]), [1])],
    ['an extra node at the end', (m) => {
      const last = m.graph!.node.at(-1)!;
      last.output[0] = 'before_relu';
      m.graph!.node.push({ opType: 'Relu', input: ['before_relu'], output: ['embedding'] });
    }],
    ['an extra dangling node', (m) => m.graph!.node.push({ opType: 'Relu', input: ['ids'], output: ['unused'] })],
    ['sif weights of another length', (m) => replaceInitializer(m, 'sif_weights', weights.slice(1), [ROWS - 1])],
    ['word vectors flattened', (m) => replaceInitializer(m, 'word_vectors', vectors, [ROWS * DIM])],
    ['word vectors transposed shape', (m) => replaceInitializer(m, 'word_vectors', vectors, [DIM, ROWS])],
    ['a non-finite vector', (m) => replaceInitializer(m, 'word_vectors', vectors.map((v, i) => (i === 7 ? NaN : v)), [ROWS, DIM])],
    ['a negative weight', (m) => replaceInitializer(m, 'sif_weights', weights.map((v, i) => (i === 2 ? -v : v)), [ROWS])],
    ['another axis', (m) => replaceInitializer(m, 'axis_1', new BigInt64Array([2n]), [1])],
    ['int32 counts', (m) => (m.graph!.input[1]!.type!.tensorType!.elemType = 6)],
    ['a fixed batch size', (m) => (m.graph!.input[0]!.type!.tensorType!.shape!.dim[0] = { dimValue: 1 })],
    ['renamed input', (m) => (m.graph!.input[0]!.name = 'tokens')],
    ['Gather on axis 1', (m) => (node(m, 'Gather').attribute![0]!.i = 1)],
    ['ReduceL2 without axes', (m) => (node(m, 'ReduceL2').attribute = [])],
    ['ReduceL2 over axis 0', (m) => (node(m, 'ReduceL2').attribute![0]!.ints = [0])],
    ['ReduceSum without keepdims', (m) => (node(m, 'ReduceSum').attribute![0]!.i = 0)],
    ['Max replaced by Add', (m) => (node(m, 'Max', 1).opType = 'Add')],
    ['a custom domain', (m) => (node(m, 'MatMul').domain = 'com.example')],
    ['opset 18 (ReduceL2 axes become an input)', (m) => (m.opsetImport[0]!.version = 18)],
    ['opset 11 (axes are attributes)', (m) => (m.opsetImport[0]!.version = 11)],
    ['the counts multiplied twice', (m) => (node(m, 'Mul').input[0] = 'counts')],
    ['the wrong value normalised', (m) => (node(m, 'ReduceL2').input[0] = node(m, 'Squeeze').output[0]!)],
  ];

  for (const [label, mutate] of declined) {
    it(`declines ${label}`, () => {
      const m = model();
      mutate(m);
      expect(bagOfIdsBackboneOf(m)).toBeUndefined();
      // Through the codec too, as the edge sees it.
      expect(bagOfIdsBackboneFromBytes(encodeModel(m))).toBeUndefined();
    });
  }
});
