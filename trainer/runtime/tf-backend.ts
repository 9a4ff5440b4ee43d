import * as tf from '@tensorflow/tfjs';

export type TfBackendName = 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';

let chosen: Promise<TfBackendName> | undefined;

// Native bindings are optional dependencies: they download libtensorflow at install time, which
// fails on offline machines, so each is tried and skipped when absent.
async function tryNative(pkg: string): Promise<boolean> {
  try {
    await import(pkg);
    return true;
  } catch {
    return false;
  }
}

async function choose(): Promise<TfBackendName> {
  const wanted = process.env.GRAFT_TF_BACKEND;
  if ((!wanted || wanted === 'tensorflow-gpu') && (await tryNative('@tensorflow/tfjs-node-gpu')) && (await tf.setBackend('tensorflow'))) {
    return 'tensorflow-gpu';
  }
  if ((!wanted || wanted === 'tensorflow') && (await tryNative('@tensorflow/tfjs-node')) && (await tf.setBackend('tensorflow'))) {
    return 'tensorflow';
  }
  if (!wanted || wanted === 'wasm') {
    await import('@tensorflow/tfjs-backend-wasm');
    if (await tf.setBackend('wasm')) return 'wasm';
  }
  await tf.setBackend('cpu');
  return 'cpu';
}

/** Picks the best TensorFlow.js backend available once per process (GRAFT_TF_BACKEND forces one). */
export async function tfBackend(): Promise<TfBackendName> {
  chosen ??= choose().then(async (name) => {
    await tf.ready();
    return name;
  });
  return chosen;
}

export { tf };
