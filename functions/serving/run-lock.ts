/**
 * ORT runs one inference at a time per isolate anyway (one wasm thread); queueing them makes that
 * explicit and keeps overlapping requests from interleaving inside onnxruntime-web's async run.
 */
let tail: Promise<unknown> = Promise.resolve();

export function withRunLock<T>(fn: () => Promise<T>): Promise<T> {
  const result = tail.then(fn, fn);
  tail = result.catch(() => undefined);
  return result;
}
