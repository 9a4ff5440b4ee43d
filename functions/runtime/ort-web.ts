import * as ort from 'onnxruntime-web/wasm';
// The `dist/` path, not the package's exported `./ort-wasm-simd-threaded.wasm`: wrangler 4.85's
// module collector cannot resolve the exported subpath and falls back to a plain node lookup.
import ortWasmModule from 'onnxruntime-web/dist/ort-wasm-simd-threaded.wasm';
import {
  installInstantiateShim,
  instantiatedMemoryBytes,
  makePlaceholder,
} from './wasm-instantiate-shim';
import { WARM_UP_INPUT, warmUpModel } from './warm-up-model';

export { Tensor } from 'onnxruntime-web/wasm';
export type { InferenceSession } from 'onnxruntime-web/wasm';

export type Ort = typeof ort;
export type SessionOptions = ort.InferenceSession.SessionOptions;

const SESSION_DEFAULTS: SessionOptions = {
  executionProviders: ['wasm'],
  graphOptimizationLevel: 'all',
};

let ready: Promise<Ort> | undefined;

async function init(): Promise<Ort> {
  installInstantiateShim(ortWasmModule);
  const wasm = ort.env.wasm;
  // workerd has no Web Workers and no SharedArrayBuffer threads: a single thread, in-isolate.
  wasm.numThreads = 1;
  wasm.proxy = false;
  // Non-empty bytes make ORT skip fetching the .wasm and use its inlined emscripten glue; the shim
  // swaps these placeholder bytes for the precompiled module.
  wasm.wasmBinary = makePlaceholder();
  ort.env.logLevel = 'error';
  await warmUp();
  return ort;
}

async function warmUp(): Promise<void> {
  const session = await ort.InferenceSession.create(warmUpModel(), SESSION_DEFAULTS);
  try {
    const { name, dims } = WARM_UP_INPUT;
    const input = new ort.Tensor('float32', new Float32Array(dims[0] * dims[1]), [...dims]);
    const outputs = await session.run({ [name]: input });
    for (const tensor of Object.values(outputs)) tensor.dispose();
  } finally {
    await session.release();
  }
}

/** Loads onnxruntime-web once per isolate. */
export function loadOrt(): Promise<Ort> {
  ready ??= init().catch((error: unknown) => {
    ready = undefined;
    throw error;
  });
  return ready;
}

/**
 * Bytes of ORT's wasm heap (0 before `loadOrt`). Sessions, weights and tensors live here; it grows
 * in 64 KiB pages and never shrinks, so budget against its high-water mark.
 */
export function ortHeapBytes(): number {
  return instantiatedMemoryBytes();
}

export async function createSession(
  bytes: Uint8Array,
  options: SessionOptions = {},
): Promise<ort.InferenceSession> {
  const runtime = await loadOrt();
  return runtime.InferenceSession.create(bytes, { ...SESSION_DEFAULTS, ...options });
}
