import { encodeModel } from '../onnx/encode-model';
import { GraphBuilder } from '../onnx/graph-builder';
import { ADAPTER_INPUT, ADAPTER_OUTPUT } from '../schemas/adapter-manifest';
import type { HeadSpec } from './head-spec';

/**
 * The ONNX form of a head: input `features` float32 [N, D], output `probs` float32 [N, K]; Gemm
 * per layer, so the file passes the edge's operator allow-list. Same spec, same bytes.
 */
export function headModel(spec: HeadSpec, metadata: Record<string, string> = {}): Uint8Array {
  const first = spec.layers[0];
  const last = spec.layers.at(-1);
  if (!first || !last) throw new Error('a head needs at least one layer');
  const g = new GraphBuilder('adapter_head');
  let x = g.input(ADAPTER_INPUT, 'float32', ['N', first.inputs]);
  spec.layers.forEach((layer, i) => {
    const w = g.initializer(`dense_${i}_weights`, layer.weights, [layer.inputs, layer.outputs]);
    const b = g.initializer(`dense_${i}_bias`, layer.bias, [layer.outputs]);
    x = g.node('Gemm', [x, w, b]);
    if (layer.activation === 'relu') x = g.node('Relu', [x]);
  });
  const probs = spec.output === 'softmax' ? g.node('Softmax', [x], { axis: 1 }) : g.node('Sigmoid', [x]);
  g.output(probs, 'float32', ['N', last.outputs], ADAPTER_OUTPUT);
  return encodeModel(g.toModel({ opset: 17, producer: 'graft', metadata }));
}
