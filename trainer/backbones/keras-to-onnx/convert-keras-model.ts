import { encodeModel } from '../../../core/onnx/encode-model';
import { GraphBuilder } from '../../../core/onnx/graph-builder';
import { batchNormAffine, convKernel, depthwiseKernel, foldIntoConv } from './conv-weights';
import { convOutputSize, samePadding, zeroPadding, type Pads2d } from './conv-padding';
import type { Weight } from './dequantize-weights';
import type { KerasLayer, KerasModelJson } from './keras-model-json';

/** A materialised NCHW value with its static [C, H, W]. */
interface Tensor {
  kind: 'tensor';
  name: string;
  shape: [number, number, number];
}
/** Zero padding not yet applied: a following valid convolution absorbs it into its own pads. */
interface Padded {
  kind: 'padded';
  source: Tensor;
  pads: Pads2d;
  shape: [number, number, number];
}
/** A convolution not yet emitted, so a following batch norm can fold into its weights. */
interface PendingConv {
  kind: 'conv';
  input: Tensor;
  weight: Float64Array;
  bias?: Float64Array;
  attributes: { kernel: [number, number]; strides: [number, number]; dilations: [number, number]; pads: Pads2d; group: number };
  shape: [number, number, number];
}
type Value = Tensor | Padded | PendingConv;

export interface ConvertOptions {
  /** The layer whose output becomes `embedding` (e.g. the pooled, flattened features). */
  outputLayer: string;
  metadata?: Record<string, string>;
}

function pair(value: unknown, what: string): [number, number] {
  if (Array.isArray(value) && value.length === 2 && value.every((v) => Number.isInteger(v))) return value as [number, number];
  throw new Error(`${what}: expected two integers, got ${JSON.stringify(value)}`);
}

function f32(values: Float64Array): Float32Array {
  return Float32Array.from(values);
}

/** Layers the output depends on, so heads after the cut (Dense, Dropout…) are never converted. */
function ancestors(layers: readonly KerasLayer[], output: string): Set<string> {
  const byName = new Map(layers.map((l) => [l.name, l]));
  const needed = new Set<string>();
  const stack = [output];
  while (stack.length) {
    const name = stack.pop()!;
    if (needed.has(name)) continue;
    const layer = byName.get(name);
    if (!layer) throw new Error(`layer ${name} is not in the model`);
    needed.add(name);
    for (const node of layer.inbound_nodes) for (const [source] of node) stack.push(source);
  }
  return needed;
}

/**
 * Converts a channels-last Keras CNN (Conv2D, DepthwiseConv2D, BatchNormalization, ReLU/ReLU6,
 * Add, ZeroPadding2D, global average pooling, Flatten) to ONNX. Input `pixels` is float32
 * NHWC [N, H, W, C] as Keras takes it; one Transpose turns it into ONNX's NCHW. Batch norms fold
 * into the preceding convolution, zero padding into the following one.
 */
export function convertKerasModel(json: KerasModelJson, weights: ReadonlyMap<string, Weight>, options: ConvertOptions): Uint8Array {
  const { layers } = json.modelTopology.model_config.config;
  const needed = ancestors(layers, options.outputLayer);
  const consumers = new Map<string, number>();
  for (const layer of layers.filter((l) => needed.has(l.name))) {
    for (const node of layer.inbound_nodes) for (const [source] of node) consumers.set(source, (consumers.get(source) ?? 0) + 1);
  }
  const g = new GraphBuilder('keras_to_onnx');
  const values = new Map<string, Value>();
  let clipBounds: [string, string] | undefined;
  let inputShape: [number, number, number] | undefined;

  const weight = (name: string): Weight => {
    const w = weights.get(name);
    if (!w) throw new Error(`weight ${name} is missing`);
    return w;
  };

  function materialize(value: Value): Tensor {
    if (value.kind === 'tensor') return value;
    if (value.kind === 'padded') {
      const [top, bottom, left, right] = value.pads;
      const pads = g.initializer(g.fresh('pads'), new BigInt64Array([0, 0, top, left, 0, 0, bottom, right].map(BigInt)), [8]);
      return { kind: 'tensor', name: g.node('Pad', [value.source.name, pads], { mode: 'constant' }), shape: value.shape };
    }
    const { kernel, strides, dilations, pads, group } = value.attributes;
    const [outC] = value.shape;
    const inPerGroup = value.input.shape[0] / group;
    const w = g.initializer(g.fresh('conv_w'), f32(value.weight), [outC, inPerGroup, kernel[0], kernel[1]]);
    const inputs = [value.input.name, w];
    if (value.bias) inputs.push(g.initializer(g.fresh('conv_b'), f32(value.bias), [outC]));
    const name = g.node('Conv', inputs, {
      kernel_shape: kernel,
      strides,
      dilations,
      pads: [pads[0], pads[2], pads[1], pads[3]],
      group,
    });
    return { kind: 'tensor', name, shape: value.shape };
  }

  function convolution(layer: KerasLayer, source: Value, depthwise: boolean): PendingConv {
    const c = layer.config;
    if (c.data_format !== 'channels_last') throw new Error(`${layer.name}: only channels_last is supported`);
    if (c.activation !== 'linear') throw new Error(`${layer.name}: activation ${String(c.activation)} inside the layer is not supported`);
    const kernel = pair(c.kernel_size, `${layer.name}.kernel_size`);
    const strides = pair(c.strides, `${layer.name}.strides`);
    const dilations = pair(c.dilation_rate, `${layer.name}.dilation_rate`);
    // A ZeroPadding2D feeding only this convolution becomes part of its pads.
    const foldPad = source.kind === 'padded' && c.padding === 'valid';
    const input = foldPad ? (source as Padded).source : materialize(source);
    let pads: Pads2d = foldPad ? [...(source as Padded).pads] : [0, 0, 0, 0];
    if (c.padding === 'same') pads = samePadding(input.shape[1], input.shape[2], kernel, strides, dilations);
    else if (c.padding !== 'valid') throw new Error(`${layer.name}: padding ${String(c.padding)} is not supported`);
    const kernelWeight = weight(`${layer.name}/${depthwise ? 'depthwise_kernel' : 'kernel'}`);
    const w = depthwise ? depthwiseKernel(kernelWeight) : convKernel(kernelWeight);
    const outC = depthwise ? input.shape[0] * kernelWeight.shape[3]! : kernelWeight.shape[3]!;
    const bias = c.use_bias ? Float64Array.from(weight(`${layer.name}/bias`).values) : undefined;
    const h = convOutputSize(input.shape[1], pads[0], pads[1], kernel[0], strides[0], dilations[0]);
    const wd = convOutputSize(input.shape[2], pads[2], pads[3], kernel[1], strides[1], dilations[1]);
    return {
      kind: 'conv',
      input,
      weight: w,
      ...(bias ? { bias } : {}),
      attributes: { kernel, strides, dilations, pads, group: depthwise ? input.shape[0] : 1 },
      shape: [outC, h, wd],
    };
  }

  function batchNorm(layer: KerasLayer, source: Value, single: boolean): Value {
    const c = layer.config;
    if (c.axis !== -1 && c.axis !== 3 && !(Array.isArray(c.axis) && c.axis[0] === 3)) throw new Error(`${layer.name}: batch norm must be over the channel axis`);
    const { scale, shift } = batchNormAffine({
      ...(c.scale !== false ? { gamma: weight(`${layer.name}/gamma`).values } : {}),
      ...(c.center !== false ? { beta: weight(`${layer.name}/beta`).values } : {}),
      mean: weight(`${layer.name}/moving_mean`).values,
      variance: weight(`${layer.name}/moving_variance`).values,
      epsilon: Number(c.epsilon ?? 1e-3),
    });
    if (source.kind === 'conv' && single) return { ...source, ...foldIntoConv(source.weight, source.bias, scale, shift) };
    const input = materialize(source);
    const dims = [input.shape[0], 1, 1];
    const scaled = g.node('Mul', [input.name, g.initializer(g.fresh('bn_scale'), f32(scale), dims)]);
    return { kind: 'tensor', name: g.node('Add', [scaled, g.initializer(g.fresh('bn_shift'), f32(shift), dims)]), shape: input.shape };
  }

  for (const layer of layers) {
    if (!needed.has(layer.name)) continue;
    const sources = layer.inbound_nodes.flatMap((node) => node.map(([source]) => source));
    // A pending value read by several layers is emitted once and shared, never once per reader.
    for (const source of sources) {
      const pending = values.get(source)!;
      if (pending.kind !== 'tensor' && (consumers.get(source) ?? 0) > 1) values.set(source, materialize(pending));
    }
    const inputs = sources.map((source) => values.get(source)!);
    const first = inputs[0]!;
    const c = layer.config;
    let value: Value;
    switch (layer.class_name) {
      case 'InputLayer': {
        const shape = c.batch_input_shape as (number | null)[];
        if (shape.length !== 4 || shape.slice(1).some((d) => typeof d !== 'number')) throw new Error('the input must be [N, H, W, C] with fixed H, W, C');
        const [, h, w, ch] = shape as [null, number, number, number];
        inputShape = [ch, h, w];
        const nhwc = g.input('pixels', 'float32', ['N', h, w, ch]);
        value = { kind: 'tensor', name: g.node('Transpose', [nhwc], { perm: [0, 3, 1, 2] }), shape: [ch, h, w] };
        break;
      }
      case 'ZeroPadding2D': {
        const source = materialize(first);
        const pads = zeroPadding(c.padding);
        const shape: [number, number, number] = [source.shape[0], source.shape[1] + pads[0] + pads[1], source.shape[2] + pads[2] + pads[3]];
        value = { kind: 'padded', source, pads, shape };
        if ((consumers.get(layer.name) ?? 0) !== 1) value = materialize(value);
        break;
      }
      case 'Conv2D':
      case 'DepthwiseConv2D':
        if (c.depth_multiplier !== undefined && layer.class_name === 'Conv2D') throw new Error(`${layer.name}: unexpected depth_multiplier`);
        value = convolution(layer, first, layer.class_name === 'DepthwiseConv2D');
        break;
      case 'BatchNormalization': {
        const sourceName = layer.inbound_nodes[0]![0]![0];
        value = batchNorm(layer, first, consumers.get(sourceName) === 1);
        break;
      }
      case 'ReLU': {
        if (Number(c.negative_slope ?? 0) !== 0 || Number(c.threshold ?? 0) !== 0) throw new Error(`${layer.name}: leaky or thresholded ReLU is not supported`);
        const input = materialize(first);
        if (c.max_value === null || c.max_value === undefined) {
          value = { kind: 'tensor', name: g.node('Relu', [input.name]), shape: input.shape };
          break;
        }
        if (c.max_value !== 6) throw new Error(`${layer.name}: ReLU max_value ${String(c.max_value)} (only 6) is not supported`);
        clipBounds ??= [g.initializer('clip_min', new Float32Array([0]), []), g.initializer('clip_max', new Float32Array([6]), [])];
        value = { kind: 'tensor', name: g.node('Clip', [input.name, ...clipBounds]), shape: input.shape };
        break;
      }
      case 'Add': {
        const tensors = inputs.map(materialize);
        let sum = tensors[0]!.name;
        for (const t of tensors.slice(1)) sum = g.node('Add', [sum, t.name]);
        value = { kind: 'tensor', name: sum, shape: tensors[0]!.shape };
        break;
      }
      case 'AveragePooling2D':
      case 'GlobalAveragePooling2D': {
        const input = materialize(first);
        if (layer.class_name === 'AveragePooling2D') {
          const pool = pair(c.pool_size, `${layer.name}.pool_size`);
          if (pool[0] !== input.shape[1] || pool[1] !== input.shape[2] || c.padding !== 'valid') {
            throw new Error(`${layer.name}: only pooling over the whole feature map is supported`);
          }
        }
        const pooled = g.node('GlobalAveragePool', [input.name]);
        value = { kind: 'tensor', name: pooled, shape: [input.shape[0], 1, 1] };
        break;
      }
      case 'Flatten': {
        const input = materialize(first);
        // Keras flattens H, W, C order; with 1 × 1 maps that equals ONNX's C, H, W order.
        if (input.shape[1] !== 1 || input.shape[2] !== 1) throw new Error(`${layer.name}: Flatten is only supported on 1 × 1 feature maps`);
        value = { kind: 'tensor', name: input.name, shape: input.shape };
        break;
      }
      default:
        throw new Error(`${layer.name}: Keras layer ${layer.class_name} is not supported by the converter`);
    }
    values.set(layer.name, value);
  }
  if (!inputShape) throw new Error('the model has no InputLayer');
  const last = materialize(values.get(options.outputLayer)!);
  const flat = g.node('Flatten', [last.name], { axis: 1 });
  const dim = last.shape[0] * last.shape[1] * last.shape[2];
  g.output(flat, 'float32', ['N', dim], 'embedding');
  return encodeModel(g.toModel({ opset: 17, producer: 'graft', ...(options.metadata ? { metadata: options.metadata } : {}) }));
}
