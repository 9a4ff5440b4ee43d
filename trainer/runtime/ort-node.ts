import { existsSync } from 'node:fs';
import * as ort from 'onnxruntime-node';

export type OrtProvider = 'cuda' | 'cpu';

function cudaUsable(): boolean {
  const cuda = ort.listSupportedBackends().find((backend) => backend.name === 'cuda');
  // CUDA libraries only come with ONNXRUNTIME_NODE_INSTALL=cuda12; a GPU shows up as /dev/nvidia0.
  return cuda !== undefined && existsSync('/dev/nvidia0');
}

/** An onnxruntime-node session on the CUDA provider when installed and a GPU is present, else CPU. */
export async function createNodeSession(model: Uint8Array): Promise<{ session: ort.InferenceSession; provider: OrtProvider }> {
  if (cudaUsable()) {
    try {
      return { session: await ort.InferenceSession.create(model, { executionProviders: ['cuda'] }), provider: 'cuda' };
    } catch {
      // The provider is listed but its libraries are missing or the driver refused: use the CPU.
    }
  }
  return { session: await ort.InferenceSession.create(model, { executionProviders: ['cpu'] }), provider: 'cpu' };
}

export { ort };
