import type { AdapterManifest } from '../../core/schemas/adapter-manifest';
import { featureWidth } from '../../core/schemas/adapter-manifest';
import { RUN_DEADLINE_MS } from '../limits';
import { Problem } from '../problems';
import { HeadSessionError, loadHead, releaseHead, runHead, type LoadedHead } from './loaded-head';
import { runLane } from './run-lock';

/** The run lock's lane for every upload's trial run: one row each, taking turns with tenants' requests. */
const TRIAL_RUNS = '(trial runs)';

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
 * Runs the head once on an all-zero row with what will serve it (loadHead decides: the TypeScript
 * evaluator or an ORT session, the latter only after static validation passed): it must yield
 * finite probabilities of shape [1, K]. Returns the loaded head so a committed upload serves its
 * first prediction without reloading.
 */
export async function trialRun(bytes: Uint8Array, manifest: AdapterManifest): Promise<LoadedHead> {
  const width = featureWidth(manifest);
  let head: LoadedHead;
  try {
    head = await loadHead(bytes, manifest);
  } catch (error) {
    if (error instanceof HeadSessionError) throw new Problem('trial_run_failed', `ONNX Runtime refused the model: ${error.message}`);
    throw error;
  }
  try {
    let out;
    try {
      out = await runHead(head, [{ dim: width, dense: new Float32Array(width) }], 1, runLane(TRIAL_RUNS, RUN_DEADLINE_MS));
    } catch (error) {
      // The run lock's refusals (a busy isolate) are not the model's failure.
      if (error instanceof Problem) throw error;
      throw new Problem('trial_run_failed', `the model failed on a zero input: ${reason(error)}`);
    }
    checkProbs(out, manifest.labels.length);
    return head;
  } catch (error) {
    releaseHead(head);
    throw error;
  }
}
