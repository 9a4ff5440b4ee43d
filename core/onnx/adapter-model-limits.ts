import { API_LIMITS } from '../schemas/api';

/** Bounds applied to untrusted adapter uploads before any ONNX Runtime session exists. */
export interface AdapterModelLimits {
  maxModelBytes: number;
  minIrVersion: number;
  maxIrVersion: number;
  minOpset: number;
  maxOpset: number;
  maxNodes: number;
  maxInitializerElements: number;
  maxTotalInitializerBytes: number;
  maxDimension: number;
  maxRank: number;
  maxNodeInputs: number;
  maxBatchRows: number;
  maxDenseInputBytes: number;
  maxIntermediateElements: number;
  maxTotalIntermediateElements: number;
  maxOperations: number;
  maxProtoMessages: number;
  maxDecodedBytes: number;
}

export const ADAPTER_MODEL_LIMITS: Readonly<AdapterModelLimits> = Object.freeze({
  // A linear or MLP head over ~1.4k features is kilobytes to a few MB; 16 MiB leaves room for a
  // wide hidden layer while keeping the bytes well inside one isolate's 128 MB.
  maxModelBytes: 16 * 1024 * 1024,
  // IR 3 is the first with opset_import; 11 is the newest that onnxruntime 1.30 loads.
  minIrVersion: 3,
  maxIrVersion: 11,
  // Opset 7 is the oldest with the broadcasting semantics our ops assume; 21 is the newest we test.
  minOpset: 7,
  maxOpset: 21,
  // Real heads have tens of nodes; a cap keeps validation and session creation cheap.
  maxNodes: 2000,
  // 8M float32 = 32 MB: far beyond any head, and the most one tensor may pin in the isolate.
  maxInitializerElements: 8_000_000,
  // Resident weight bytes per session (ORT copies initializers); sized so a handful of sessions
  // fit the adapter LRU next to the backbone. Counted in memory, not on the wire, so varint-packed
  // int64 data cannot expand past it.
  maxTotalInitializerBytes: 16 * 1024 * 1024,
  // Bigger than any feature width or class count; small enough that the product of a few dims
  // stays an exact float64 integer.
  maxDimension: 1 << 24,
  // Heads are rank 2; a little slack for Unsqueeze/Reshape tricks without unbounded shape work.
  maxRank: 8,
  // A Concat of a few feature blocks or a variadic Max has a handful of inputs; a node with a
  // huge input list costs ONNX Runtime per edge at session creation, whatever its shapes.
  maxNodeInputs: 256,
  // Costs below are weighed at the most rows one request may carry (64 texts; images are 8), the
  // input's batch dimension whatever its name: a head must fit when the largest batch arrives.
  maxBatchRows: Math.max(API_LIMITS.maxBatchInputs, API_LIMITS.maxImagesPerRequest),
  // The float32 [rows, width] input of a head ORT runs exists three times at once (feature blocks,
  // their concatenation, ORT's copy in its wasm heap, which keeps its high-water mark): 8 MiB is
  // 32,768 features at 64 rows. The edge passes MAX_RUN_INPUT_BYTES, which its runs obey too.
  // Heads evaluated in TypeScript read hashed n-grams sparse and are not weighed by it.
  maxDenseInputBytes: 8 * 1024 * 1024,
  // At the maximum batch: no tensor the graph computes (constants ORT folds at session creation
  // included) may exceed the largest initializer we accept, which stops broadcast blow-ups such as
  // [N,1,1] + [1,k,1] + [1,1,k].
  maxIntermediateElements: 8_000_000,
  // At the maximum batch, every computed tensor summed (64 MiB of float32): ORT frees a tensor after
  // its last reader, so its peak is below this, which bounds it without simulating its allocator.
  maxTotalIntermediateElements: 16 * 1024 * 1024,
  // Arithmetic of one request at the maximum batch (infer-shapes' nodeOps), folding included: the
  // largest legal Gemm (4M weights × 64 rows) is ~0.5G; 1G is well under a second of one wasm thread.
  maxOperations: 1_000_000_000,
  // Decoding itself must stay cheap: 16 MiB of 2-byte empty sub-messages would be 8M objects.
  // 2,000 nodes with their attributes, value infos and initializers need a few tens of thousands.
  maxProtoMessages: 100_000,
  // Memory the decoded repeated fields may take (typed tensor data at its in-memory width, strings
  // and JS values at what V8 spends on them), charged before each allocation: the initializer budget
  // plus slack for dims, names and attributes. A packed run of one-byte int64 varints is 8 bytes of
  // memory per wire byte; 2-byte empty strings would be ~100 bytes each.
  maxDecodedBytes: 24 * 1024 * 1024,
});
