import type { BackboneRuntime } from '../../core/backbones/backbone-routine';
import { createNodeSession, ort, type OrtProvider } from './ort-node';

/**
 * Backbones in Node: every routine runs in onnxruntime-node (on the GPU when there is one), never
 * a TypeScript evaluator, so features (and adapters trained on them) stay bit-identical across
 * releases; the edge's evaluators are proven equal to ORT within float rounding (decision 0021).
 * `provider` says where the last session went.
 */
export function nodeBackboneRuntime(): BackboneRuntime & { provider(): OrtProvider } {
  let provider: OrtProvider = 'cpu';
  return {
    typescript: false,
    provider: () => provider,
    async session(model) {
      const created = await createNodeSession(model);
      provider = created.provider;
      return {
        run: async (feeds, output) => {
          const tensors: Record<string, ort.Tensor> = {};
          for (const [name, { type, data, dims }] of Object.entries(feeds)) tensors[name] = new ort.Tensor(type, data, dims);
          return (await created.session.run(tensors))[output]!.data as Float32Array;
        },
        release: () => created.session.release(),
      };
    },
  };
}
