import { z } from 'zod';
import { tokensOf } from '../../inputs/text-tokens';
import type { BackboneManifest } from '../../schemas/backbone-manifest';
import { tokensBatch } from '../../text/bag-of-ids';
import { Vocabulary } from '../../text/vocabulary';
import { RoutineError, type BackboneRoutine, type RoutineContext } from '../backbone-routine';
import { bagOfIdsBackboneFromBytes, bagOfIdsEmbedder, type BagOfIdsBackbone, type BagOfIdsInputs } from './bag-of-ids-backbone';

/** Texts → distinct in-vocabulary ids with their counts; the graph looks up and weighs the vectors. */
export const TextPreprocess = z.object({
  routine: z.literal('text-bag-of-ids/v1'),
  vocabulary: z.string().min(1),
  max_distinct_tokens: z.number().int().positive(),
  max_chars: z.number().int().positive(),
});
export type TextPreprocess = z.infer<typeof TextPreprocess>;

/** The ids (int32) and counts (float32) inputs, both [N, L], by the names the manifest gives them. */
function inputNames(manifest: BackboneManifest): BagOfIdsInputs {
  const [first, second, ...rest] = manifest.inputs;
  const rank2 = (dtype: string) => manifest.inputs.find((i) => i.dtype === dtype && i.shape.length === 2);
  const ids = rank2('int32');
  const counts = rank2('float32');
  if (!first || !second || rest.length > 0 || !ids || !counts) {
    throw new RoutineError(manifest.id, 'a text-bag-of-ids/v1 backbone takes exactly two [N, L] inputs: int32 ids and float32 counts');
  }
  return { ids: ids.name, counts: counts.name };
}

/** The graph evaluated in TypeScript when it is provably what ORT would compute for these
 * inputs and this output; undefined sends it to ORT, which also reports any malformed bytes. */
function typescriptBackbone({ model, manifest }: RoutineContext<TextPreprocess>, names: BagOfIdsInputs, vocabulary: Vocabulary): BagOfIdsBackbone | undefined {
  let backbone: BagOfIdsBackbone | undefined;
  try {
    backbone = bagOfIdsBackboneFromBytes(model, names);
  } catch {
    return undefined;
  }
  const fits = backbone && backbone.dim === manifest.output.dim && backbone.outputName === manifest.output.name && vocabulary.size < backbone.rows;
  return fits ? backbone : undefined;
}

export const textBagOfIds: BackboneRoutine<TextPreprocess> = {
  routine: 'text-bag-of-ids/v1',
  modality: 'text',
  preprocess: TextPreprocess,
  assets: (p) => [p.vocabulary],
  async load(context) {
    const { manifest, preprocess, assets, runtime } = context;
    const names = inputNames(manifest);
    const vocabulary = Vocabulary.parse(new TextDecoder().decode(assets.get(preprocess.vocabulary)));
    const native = runtime.typescript ? typescriptBackbone(context, names, vocabulary) : undefined;
    // No ORT session: ORT need not even load, and the table is not copied into its wasm heap.
    if (native) return { embedder: bagOfIdsEmbedder(manifest, vocabulary, native), release: () => undefined };
    const session = await runtime.session(context.model);
    const embedder = {
      manifest,
      embed: (batch: Parameters<typeof tokensOf>[0]) => {
        const bags = tokensBatch(tokensOf(batch, manifest.id), vocabulary);
        const dims = [bags.rows, bags.width];
        return session.run({ [names.ids]: { type: 'int32', data: bags.ids, dims }, [names.counts]: { type: 'float32', data: bags.counts, dims } }, manifest.output.name, batch);
      },
    };
    return { embedder, release: () => session.release() };
  },
};
