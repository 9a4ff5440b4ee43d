import { createSession, type InferenceSession, type SessionOptions } from '../runtime/ort-web';

let loaded = false;

/** Whether onnxruntime-web has initialised in this isolate, without triggering it. */
export function isOrtLoaded(): boolean {
  return loaded;
}

/** Every session the edge creates goes through here (ORT initialises on the first). */
export async function newSession(bytes: Uint8Array, options: SessionOptions = {}): Promise<InferenceSession> {
  const session = await createSession(bytes, options);
  loaded = true;
  return session;
}

/** Adapter heads are tiny and many: ORT's per-session CPU arena and memory-pattern planning
 * reserve far more than a head's tensors, so they are off for heads (kept for the backbone). */
export const HEAD_SESSION_OPTIONS: SessionOptions = { enableCpuMemArena: false, enableMemPattern: false };
