/**
 * The floor: the same backbone and head called in-process, no HTTP. onnxruntime-node (native,
 * default threads), onnxruntime-web (wasm, one thread, as in workerd) and, for the head, the
 * TypeScript evaluator the edge uses.
 */
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { assembleFeatures } from '../../../core/features/assemble-features';
import { textEmbedder } from '../../../core/features/text-embedder';
import { denseHeadFromBytes, evaluateDenseHead } from '../../../core/heads/dense-head';
import { featureWidth } from '../../../core/schemas/adapter-manifest';
import { Vocabulary } from '../../../core/text/vocabulary';
import { readBackbone } from '../../../trainer/backbones/load-backbone';
import type { Adapter } from './bench-models';
import { BACKBONE_ID } from './bench-edge';
import { summary } from './http-client';

type Runtime = typeof ortNode | typeof ortWeb;

async function timeCalls(fn: () => Promise<unknown>, seconds: number): Promise<ReturnType<typeof summary>> {
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

async function ortPredict(ort: Runtime, head: Adapter, text: string, seconds: number) {
  const backbone = await readBackbone(BACKBONE_ID);
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
  const result = await timeCalls(async () => {
    const features = await assembleFeatures(head.manifest.features, [text], backbones);
    await headSession.run({ [headSession.inputNames[0]!]: new ort.Tensor('float32', features, [1, width]) });
  }, seconds);
  const dense = denseHeadFromBytes(head.model)!;
  const withTsHead = await timeCalls(async () => {
    const features = await assembleFeatures(head.manifest.features, [text], backbones);
    evaluateDenseHead(dense, [{ dim: width, dense: features }], 1);
  }, seconds);
  await backboneSession.release();
  await headSession.release();
  return { ort_head: result, typescript_head: withTsHead };
}

/** Batch 1, one text, backbone + head, sequential calls for `seconds` each. */
export async function inProcess(head: Adapter, text: string, seconds: number) {
  ortWeb.env.wasm.numThreads = 1;
  ortWeb.env.logLevel = 'error';
  return {
    onnxruntime_node: await ortPredict(ortNode, head, text, seconds),
    onnxruntime_web_wasm_1_thread: await ortPredict(ortWeb, head, text, seconds),
  };
}
