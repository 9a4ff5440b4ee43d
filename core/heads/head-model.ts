import { encodeModel } from '../onnx/encode-model';
import { GraphBuilder } from '../onnx/graph-builder';
import { ADAPTER_INPUT, ADAPTER_OUTPUT } from '../schemas/adapter-manifest';
import { HEAD_NORM_EPSILON, type HeadInputSelection, type HeadSpec } from './head-spec';

/** Gather the kept columns, then the selection's norm over its tail: see HeadInputSelection. */
function selectInput(g: GraphBuilder, x: string, selection: HeadInputSelection): string {
  const { columns, norm } = selection;
  const kept = g.node('Gather', [x, g.initializer('kept_columns', columns, [columns.length])], { axis: 1 });
  if (!norm) return kept;
  const int64 = (prefix: string, value: number) => g.initializer(g.fresh(prefix), new BigInt64Array([BigInt(value)]), [1]);
  const slice = (from: number, to: number) => g.node('Slice', [kept, int64('slice_start', from), int64('slice_end', to), int64('slice_axis', 1)]);
  const tail = norm.start === 0 ? kept : slice(norm.start, columns.length);
  const squares = g.node('Mul', [tail, tail]);
  const weighted = g.node('MatMul', [squares, g.initializer('norm_weights', norm.weights, [norm.weights.length, 1])]);
  const sum = g.node('Add', [weighted, g.initializer('norm_bias', new Float32Array([norm.bias]), [])]);
  const n = g.node('Sqrt', [g.node('Max', [sum, g.initializer('norm_epsilon', new Float32Array([HEAD_NORM_EPSILON]), [])])]);
  const scaled = g.node('Div', [tail, n]);
  return norm.start === 0 ? scaled : g.node('Concat', [slice(0, norm.start), scaled], { axis: 1 });
}

/**
 * The ONNX form of a head: input `features` float32 [N, D], output `probs` float32 [N, K]; an
 * optional column selection, then Gemm per layer, so the file passes the edge's operator
 * allow-list. Same spec, same bytes.
 */
export function headModel(spec: HeadSpec, metadata: Record<string, string> = {}): Uint8Array {
  const first = spec.layers[0];
  const last = spec.layers.at(-1);
  if (!first || !last) throw new Error('a head needs at least one layer');
  if (spec.input && first.inputs !== spec.input.columns.length) throw new Error(`the first layer takes ${first.inputs} inputs, the selection keeps ${spec.input.columns.length}`);
  const g = new GraphBuilder('adapter_head');
  let x = g.input(ADAPTER_INPUT, 'float32', ['N', spec.input?.width ?? first.inputs]);
  if (spec.input) x = selectInput(g, x, spec.input);
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
