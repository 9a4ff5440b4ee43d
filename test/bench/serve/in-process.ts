/**
 * The floor: the same backbone and head called in-process, no HTTP. The backbone in
 * onnxruntime-node (native, default threads), onnxruntime-web (wasm, one thread, as in workerd
 * before the TypeScript backbone) and the TypeScript evaluator the edge uses; the head in ORT or
 * in the edge's TypeScript evaluator.
 */
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { assembleFeatures } from '../../../core/features/assemble-features';
import { bagOfIdsBackboneFromBytes, bagOfIdsTextEmbedder } from '../../../core/features/bag-of-ids-backbone';
import { textEmbedder, type TextEmbedder } from '../../../core/features/text-embedder';
import { denseHeadFromBytes, evaluateDenseHead } from '../../../core/heads/dense-head';
import { featureWidth } from '../../../core/schemas/adapter-manifest';
import { Vocabulary } from '../../../core/text/vocabulary';
import { readBackbone, type LoadedBackbone } from '../../../trainer/backbones/load-backbone';
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

/** Backbone alone, and backbone + head with the head in TypeScript. */
async function backboneAndTypescriptHead(backbone: LoadedBackbone, embedder: TextEmbedder, head: Adapter, text: string, seconds: number): Promise<{ backbone: Timing; typescript_head: Timing }> {
  const backbones = new Map([[backbone.manifest.id, embedder]]);
  const width = featureWidth(head.manifest);
  const dense = denseHeadFromBytes(head.model)!;
  return {
    backbone: await timeCalls(() => embedder.embed([text]), seconds),
    typescript_head: await timeCalls(async () => {
      const features = await assembleFeatures(head.manifest.features, [text], backbones);
      evaluateDenseHead(dense, [{ dim: width, dense: features }], 1);
    }, seconds),
  };
}

async function ortPredict(ort: Runtime, backbone: LoadedBackbone, head: Adapter, text: string, seconds: number) {
  const backboneSession = await ort.InferenceSession.create(backbone.model);
  const headSession = await ort.InferenceSession.create(head.model);
  const embedder = textEmbedder(backbone.manifest, Vocabulary.parse(backbone.vocabulary), async (batch) => {
    const out = await backboneSession.run({
      ids: new ort.Tensor('int32', batch.ids, [batch.rows, batch.width]),
      counts: new ort.Tensor('float32', batch.counts, [batch.rows, batch.width]),
    });
    return out.embedding!.data as Float32Array;
  });
  const backbones = new Map([[backbone.manifest.id, embedder]]);
  const width = featureWidth(head.manifest);
  const ortHead = await timeCalls(async () => {
    const features = await assembleFeatures(head.manifest.features, [text], backbones);
    await headSession.run({ [headSession.inputNames[0]!]: new ort.Tensor('float32', features, [1, width]) });
  }, seconds);
  const rest = await backboneAndTypescriptHead(backbone, embedder, head, text, seconds);
  await backboneSession.release();
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
  const typescript = bagOfIdsTextEmbedder(backbone.manifest, Vocabulary.parse(backbone.vocabulary), native);
  return {
    onnxruntime_node: await ortPredict(ortNode, backbone, head, text, seconds),
    onnxruntime_web_wasm_1_thread: await ortPredict(ortWeb, backbone, head, text, seconds),
    typescript: await backboneAndTypescriptHead(backbone, typescript, head, text, seconds),
  };
}
