// workerd refuses to compile WebAssembly from bytes at runtime, but emscripten (inside ORT) only
// knows how to instantiate from bytes. We hand emscripten a recognisable placeholder buffer and
// answer its `WebAssembly.instantiate(placeholder, imports)` with the module wrangler precompiled.

const MAGIC = new TextEncoder().encode('\0graft-precompiled-wasm');

export function makePlaceholder(): ArrayBuffer {
  const buffer = new ArrayBuffer(MAGIC.byteLength);
  new Uint8Array(buffer).set(MAGIC);
  return buffer;
}

function isPlaceholder(source: unknown): boolean {
  let bytes: Uint8Array;
  if (source instanceof ArrayBuffer) bytes = new Uint8Array(source);
  else if (ArrayBuffer.isView(source)) {
    bytes = new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
  } else return false;
  if (bytes.byteLength !== MAGIC.byteLength) return false;
  return bytes.every((b, i) => b === MAGIC[i]);
}

let precompiled: WebAssembly.Module | undefined;
let memory: WebAssembly.Memory | undefined;

function findMemory(...namespaces: unknown[]): WebAssembly.Memory | undefined {
  for (const namespace of namespaces) {
    if (typeof namespace !== 'object' || namespace === null) continue;
    for (const value of Object.values(namespace)) {
      if (value instanceof WebAssembly.Memory) return value;
      if (typeof value === 'object' && value !== null) {
        const nested = Object.values(value).find((v) => v instanceof WebAssembly.Memory);
        if (nested) return nested as WebAssembly.Memory;
      }
    }
  }
  return undefined;
}

/** Current size of the precompiled module's linear memory; it grows and never shrinks. */
export function instantiatedMemoryBytes(): number {
  return memory?.buffer.byteLength ?? 0;
}

type Instantiate = typeof WebAssembly.instantiate;

/** Idempotent; every other `WebAssembly.instantiate` call passes through untouched. */
export function installInstantiateShim(module: WebAssembly.Module): void {
  const alreadyPatched = precompiled !== undefined;
  precompiled = module;
  if (alreadyPatched) return;
  const original: Instantiate = WebAssembly.instantiate.bind(WebAssembly);
  const shim = (async (source: unknown, imports?: WebAssembly.Imports) => {
    if (precompiled && isPlaceholder(source)) {
      const instance = await original(precompiled, imports);
      memory = findMemory(imports, instance.exports);
      return { instance, module: precompiled };
    }
    return (original as (s: unknown, i?: WebAssembly.Imports) => Promise<unknown>)(source, imports);
  }) as Instantiate;
  WebAssembly.instantiate = shim;
}
