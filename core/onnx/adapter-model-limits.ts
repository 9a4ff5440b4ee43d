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
  maxIntermediateElements: number;
  maxProtoMessages: number;
  maxProtoElements: number;
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
  // Per batch row (symbolic dims count as 1): no computed tensor may exceed the largest initializer
  // we accept, which stops broadcast blow-ups such as [k,1] + [1,k] at session creation (constant
  // folding) or at run time.
  maxIntermediateElements: 8_000_000,
  // Decoding itself must stay cheap: 16 MiB of 2-byte empty sub-messages would be 8M objects.
  // 2,000 nodes with their attributes, value infos and initializers need a few tens of thousands.
  maxProtoMessages: 100_000,
  // Repeated elements (typed tensor data, dims, ints, node inputs): the largest initializer we
  // accept plus slack; a packed run of 1-byte varints otherwise makes 8 bytes of memory per byte.
  maxProtoElements: 9_000_000,
});
