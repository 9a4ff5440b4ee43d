import { createSession, type InferenceSession } from '../runtime/ort-web';

let loaded = false;

/** Whether onnxruntime-web has initialised in this isolate, without triggering it. */
export function isOrtLoaded(): boolean {
  return loaded;
}

/** Every session the edge creates goes through here (ORT initialises on the first). */
export async function newSession(bytes: Uint8Array): Promise<InferenceSession> {
  const session = await createSession(bytes);
  loaded = true;
  return session;
}
