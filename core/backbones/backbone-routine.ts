import type { z } from 'zod';
import type { InputBatch, Modality } from '../inputs/input-batch';
import type { BackboneManifest, TensorSpec } from '../schemas/backbone-manifest';

/** A tensor handed to ONNX Runtime, in either runtime's terms. */
export interface FeedTensor {
  type: TensorSpec['dtype'];
  data: Float32Array | Int32Array | Uint8Array | BigInt64Array;
  dims: readonly number[];
}

export type Feeds = Record<string, FeedTensor>;

/** One ONNX Runtime session over a backbone's bytes. */
export interface BackboneSession {
  /** One float32 output of a run; `batch` is the one being embedded (the edge schedules runs by
   * the request that owns it). */
  run(feeds: Feeds, output: string, batch: InputBatch): Promise<Float32Array>;
  release(): Promise<void> | void;
}

/**
 * What a side (the edge in workerd, the trainer in Node) lends a routine to run a backbone. The
 * routine decides what to run; the runtime only knows how.
 */
export interface BackboneRuntime {
  /** onnxruntime-web at the edge, onnxruntime-node in the trainer. */
  session(model: Uint8Array): Promise<BackboneSession>;
  /**
   * Whether a routine may evaluate a recognised graph in TypeScript instead of ORT. The edge does
   * (decision 0021); the trainer does not, so features of earlier trainings stay bit-identical.
   */
  typescript: boolean;
  /** Most rows per ORT run for backbones whose activations grow with the batch (images); unset
   * runs a whole batch at once. ORT's wasm heap keeps its high-water mark, so the edge says 1. */
  rowsPerRun?: number;
}

/** A backbone ready to embed batches of its modality: float32 [rows, manifest.output.dim]. */
export interface Embedder {
  readonly manifest: BackboneManifest;
  embed(batch: InputBatch): Promise<Float32Array>;
}

/** A loaded embedder and how to free what it holds outside the JS heap. */
export interface LoadedEmbedder {
  embedder: Embedder;
  release(): Promise<void> | void;
}

/** What a routine's `load` gets: the manifest, its typed `preprocess`, verified bytes and a runtime. */
export interface RoutineContext<P> {
  manifest: BackboneManifest;
  preprocess: P;
  model: Uint8Array;
  /** Every asset the routine named, by path, bytes already checked against the manifest. */
  assets: ReadonlyMap<string, Uint8Array>;
  runtime: BackboneRuntime;
}

/**
 * A preprocessing routine: the one place that knows how inputs of its modality become a
 * backbone's input tensors, keyed by the manifest's `preprocess.routine`. The trainer and the
 * edge load every backbone through its routine, so preprocessing cannot drift between them.
 */
export interface BackboneRoutine<P extends { routine: string } = { routine: string }> {
  /** `preprocess.routine` in the manifest, e.g. `text-bag-of-ids/v1`. */
  readonly routine: P['routine'];
  readonly modality: Modality;
  /** The manifest's `preprocess` for this routine. */
  readonly preprocess: z.ZodType<P>;
  /** Asset paths (listed in the manifest) the routine reads, e.g. its vocabulary. */
  assets(preprocess: P): string[];
  /**
   * The embedder for these bytes. Input tensor names and types come from `manifest.inputs`; a
   * manifest whose inputs the routine cannot feed is refused with a RoutineError.
   */
  load(context: RoutineContext<P>): Promise<LoadedEmbedder>;
}

/** A backbone whose manifest its routine cannot serve: unknown routine, bad preprocess or inputs. */
export class RoutineError extends Error {
  constructor(
    readonly backbone: string,
    message: string,
  ) {
    super(`backbone ${backbone}: ${message}`);
    this.name = 'RoutineError';
  }
}
