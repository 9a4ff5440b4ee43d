import { concatBlocks } from '../../core/features/assemble-features';
import { denseHeadFromBytes, evaluateDenseHead, type DenseHead, type HeadInputBlock } from '../../core/heads/dense-head';
import type { AdapterManifest } from '../../core/schemas/adapter-manifest';
import { featureWidth } from '../../core/schemas/adapter-manifest';
import type { InferenceSession } from '../runtime/ort-web';
import { runForFloats, Tensor } from './ort-run';
import { HEAD_SESSION_OPTIONS, newSession } from './ort-state';
import type { RunLane } from './run-lock';

/**
 * A head ready to run: evaluated in TypeScript when its graph is exactly what `headModel` emits
 * (decision 0020), else an ONNX Runtime session. `cost` is its estimated resident bytes, what the
 * adapter cache's budget counts.
 */
export type LoadedHead =
  | { kind: 'dense'; manifest: AdapterManifest; dense: DenseHead; cost: number }
  | { kind: 'ort'; manifest: AdapterManifest; session: InferenceSession; inputName: string; cost: number };

/** What an ORT session holds whatever its size (graph, kernels, JS wrapper). */
export const SESSION_OVERHEAD_BYTES = 64 * 1024;

/**
 * Resident bytes of one head session, an upper estimate. Measured by test/worker/adapter-cache
 * (workerd RSS with every session kept, minus a run keeping one): a 0.5 KiB head costs ~49 KB,
 * a 48 KiB head ~276 KB: ORT holds the initializers several times over (decoded tensors,
 * pre-packed Gemm weights).
 */
export function sessionCost(modelBytes: number): number {
  return modelBytes * 6 + SESSION_OVERHEAD_BYTES;
}

/** What a dense head holds besides its weights (layer objects, typed-array headers, the cache
 * entry and key), an upper estimate checked by test/bench/serve's memory-per-adapter figure. */
export const DENSE_OVERHEAD_BYTES = 4 * 1024;

export function denseCost(head: DenseHead): number {
  return head.bytes + DENSE_OVERHEAD_BYTES;
}

/** Thrown when ONNX Runtime refuses a head's bytes; the upload's trial run names it as such. */
export class HeadSessionError extends Error {
  override readonly name = 'HeadSessionError';
}

/** The one place that decides how a head runs. Call only on models that passed validation. */
export async function loadHead(bytes: Uint8Array, manifest: AdapterManifest): Promise<LoadedHead> {
  const dense = denseHeadFromBytes(bytes);
  if (dense) return { kind: 'dense', manifest, dense, cost: denseCost(dense) };
  let session: InferenceSession;
  try {
    session = await newSession(bytes, HEAD_SESSION_OPTIONS);
  } catch (error) {
    throw new HeadSessionError(error instanceof Error ? error.message : String(error));
  }
  return { kind: 'ort', manifest, session, inputName: session.inputNames[0]!, cost: sessionCost(bytes.length) };
}

/** Whether the head takes hashed n-grams as sparse rows (only the TypeScript evaluator does). */
export function takesSparse(head: LoadedHead): boolean {
  return head.kind === 'dense';
}

/** probs for `rows` rows of the head's input blocks, with the shape the head produced; an ORT run takes the lane's turn. */
export async function runHead(head: LoadedHead, blocks: readonly HeadInputBlock[], rows: number, lane: RunLane): Promise<{ data: Float32Array; dims: readonly number[] }> {
  if (head.kind === 'dense') return { data: evaluateDenseHead(head.dense, blocks, rows), dims: [rows, head.dense.layers.at(-1)!.outputs] };
  const input = new Tensor('float32', concatBlocks(blocks, rows), [rows, featureWidth(head.manifest)]);
  return runForFloats(head.session, { [head.inputName]: input }, 'probs', lane);
}

export function releaseHead(head: LoadedHead): void {
  if (head.kind === 'ort') void head.session.release();
}
