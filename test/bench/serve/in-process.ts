/**
 * The floor: the same backbone and head called in-process, no HTTP. The backbone in
 * onnxruntime-node (native, default threads), onnxruntime-web (wasm, one thread, as in workerd
 * before the TypeScript backbone) and the TypeScript evaluator the edge uses; the head in ORT or
 * in the edge's TypeScript evaluator.
 */
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import type { BackboneRuntime, Embedder } from '../../../core/backbones/backbone-routine';
import { loadEmbedder } from '../../../core/backbones/load-embedder';
import { bagOfIdsBackboneFromBytes, bagOfIdsEmbedder } from '../../../core/backbones/text-bag-of-ids/bag-of-ids-backbone';
import { TextPreprocess } from '../../../core/backbones/text-bag-of-ids/text-bag-of-ids-routine';
import { assembleFeatures } from '../../../core/features/assemble-features';
import { denseHeadFromBytes, evaluateDenseHead } from '../../../core/heads/dense-head';
import { inputBatch } from '../../../core/inputs/input-batch';
import { featureWidth } from '../../../core/schemas/adapter-manifest';
import { Vocabulary } from '../../../core/text/vocabulary';
import { readBackbone, type BuiltBackbone } from '../../../trainer/backbones/load-backbone';
import type { Adapter } from './bench-models';
import { BACKBONE_ID } from './bench-edge';
import { summary } from './http-client';

type Runtime = typeof ortNode | typeof ortWeb;
type Timing = ReturnType<typeof summary>;

async function timeCalls(fn: () => Promise<unknown>, seconds: number): Promise<Timing> {
  for (let i = 0; i < 50; i++) await fn();
  const times: number[] = [];
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return summary(times);
}

/** The backbone routine on `ort`'s default session options (no provider chosen, default threads):
 * the same routine the trainer and edge load, on the runtime under test. */
function ortRuntime(ort: Runtime): BackboneRuntime {
  return {
    typescript: false,
    async session(model) {
      const session = await ort.InferenceSession.create(model);
      return {
        run: async (feeds, output) => {
          const tensors: Record<string, ortNode.Tensor> = {};
          for (const [name, { type, data, dims }] of Object.entries(feeds)) tensors[name] = new ort.Tensor(type, data, dims);
          return (await session.run(tensors))[output]!.data as Float32Array;
        },
        release: () => session.release(),
      };
    },
  };
}

/** Backbone alone, and backbone + head with the head in TypeScript. Each call is a fresh batch,
 * so nothing is memoised between calls. */
async function backboneAndTypescriptHead(embedder: Embedder, head: Adapter, text: string, seconds: number): Promise<{ backbone: Timing; typescript_head: Timing }> {
  const backbones = new Map([[embedder.manifest.id, embedder]]);
  const width = featureWidth(head.manifest);
  const dense = denseHeadFromBytes(head.model)!;
  return {
    backbone: await timeCalls(() => embedder.embed(inputBatch('text', [text])), seconds),
    typescript_head: await timeCalls(async () => {
      const features = await assembleFeatures(head.manifest.features, inputBatch('text', [text]), backbones);
      evaluateDenseHead(dense, [{ dim: width, dense: features }], 1);
    }, seconds),
  };
}

async function ortPredict(ort: Runtime, backbone: BuiltBackbone, head: Adapter, text: string, seconds: number) {
  const files = new Map([[backbone.manifest.file, backbone.model], ...backbone.assets]);
  const loaded = await loadEmbedder(backbone.manifest, async (file) => files.get(file)!, ortRuntime(ort));
  const headSession = await ort.InferenceSession.create(head.model);
  const { embedder } = loaded;
  const backbones = new Map([[embedder.manifest.id, embedder]]);
  const width = featureWidth(head.manifest);
  const ortHead = await timeCalls(async () => {
    const features = await assembleFeatures(head.manifest.features, inputBatch('text', [text]), backbones);
    await headSession.run({ [headSession.inputNames[0]!]: new ort.Tensor('float32', features, [1, width]) });
  }, seconds);
  const rest = await backboneAndTypescriptHead(embedder, head, text, seconds);
  await loaded.release();
  await headSession.release();
  return { backbone: rest.backbone, ort_head: ortHead, typescript_head: rest.typescript_head };
}

/** Batch 1, one text, backbone + head, sequential calls for `seconds` each. */
export async function inProcess(head: Adapter, text: string, seconds: number) {
  ortWeb.env.wasm.numThreads = 1;
  ortWeb.env.logLevel = 'error';
  const backbone = await readBackbone(BACKBONE_ID);
  const native = bagOfIdsBackboneFromBytes(backbone.model);
  if (!native) throw new Error(`${BACKBONE_ID} is not recognised by the TypeScript evaluator`);
  const { vocabulary } = TextPreprocess.parse(backbone.manifest.preprocess);
  const typescript = bagOfIdsEmbedder(backbone.manifest, Vocabulary.parse(new TextDecoder().decode(backbone.assets.get(vocabulary))), native);
  return {
    onnxruntime_node: await ortPredict(ortNode, backbone, head, text, seconds),
    onnxruntime_web_wasm_1_thread: await ortPredict(ortWeb, backbone, head, text, seconds),
    typescript: await backboneAndTypescriptHead(typescript, head, text, seconds),
  };
}
