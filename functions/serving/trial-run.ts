import { denseHeadFromBytes, evaluateDenseHead } from '../../core/heads/dense-head';
import type { AdapterManifest } from '../../core/schemas/adapter-manifest';
import { featureWidth } from '../../core/schemas/adapter-manifest';
import { Problem } from '../problems';
import { HEAD_SESSION_OPTIONS, newSession } from './ort-state';
import { denseCost, sessionCost, type LoadedAdapter } from './adapter-cache';
import { runForFloats, Tensor } from './ort-run';

// Softmax and sigmoid outputs may overshoot [0, 1] by rounding, never by more.
const TOLERANCE = 1e-4;

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function checkProbs(out: { data: Float32Array; dims: readonly number[] }, k: number): void {
  if (out.dims.length !== 2 || out.dims[0] !== 1 || out.dims[1] !== k) {
    throw new Problem('trial_run_failed', `probs has shape [${out.dims.join(', ')}], expected [1, ${k}]`);
  }
  for (const p of out.data) {
    if (!Number.isFinite(p) || p < -TOLERANCE || p > 1 + TOLERANCE) {
      throw new Problem('trial_run_failed', `probs on a zero input contains ${p}, not a probability`);
    }
  }
}

/**
 * Runs the head once on an all-zero row, with what will serve it: it must yield finite
 * probabilities of shape [1, K]. A head of headModel's shape is served by the TypeScript
 * evaluator, never by ORT, so that is what is tried; any other graph gets an ORT session (only
 * after static validation passed). Returns the loaded head so a committed upload serves its first
 * prediction without reloading.
 */
export async function trialRun(bytes: Uint8Array, manifest: AdapterManifest): Promise<LoadedAdapter> {
  const width = featureWidth(manifest);
  const k = manifest.labels.length;
  const dense = denseHeadFromBytes(bytes);
  if (dense) {
    checkProbs({ data: evaluateDenseHead(dense, [{ dim: width, dense: new Float32Array(width) }], 1), dims: [1, dense.layers.at(-1)!.outputs] }, k);
    return { manifest, dense, inputName: dense.inputName, cost: denseCost(dense) };
  }
  let session;
  try {
    session = await newSession(bytes, HEAD_SESSION_OPTIONS);
  } catch (error) {
    throw new Problem('trial_run_failed', `ONNX Runtime refused the model: ${reason(error)}`);
  }
  try {
    const inputName = session.inputNames[0]!;
    let out;
    try {
      out = await runForFloats(session, { [inputName]: new Tensor('float32', new Float32Array(width), [1, width]) }, 'probs');
    } catch (error) {
      throw new Problem('trial_run_failed', `the model failed on a zero input: ${reason(error)}`);
    }
    checkProbs(out, k);
    return { manifest, session, inputName, cost: sessionCost(bytes.length) };
  } catch (error) {
    await session.release();
    throw error;
  }
}
