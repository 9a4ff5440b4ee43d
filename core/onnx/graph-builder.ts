import { toAttributeProto, type AttributeValue } from './graph-attributes';
import { irVersionForOpset } from './ir-version';
import { ELEMENT_TYPE, type ElementTypeName } from './onnx-enums';
import type { GraphProto, ModelProto, NodeProto, TensorProto, ValueInfoProto } from './onnx-types';
import { makeTensor, type NumericTensorData } from './tensor-data';

/** A dimension: a fixed size, or a name for a size chosen at run time (the batch, usually). */
export type Dim = number | string;

export interface NodeOptions {
  /** Output names; a number asks for that many generated names. Default: one generated name. */
  outputs?: number | string[];
  name?: string;
  domain?: string;
}

export interface ToModelOptions {
  /** Default-domain opset; default 17 (supported by every onnxruntime we ship). */
  opset?: number;
  /** Defaults to the lowest IR version that carries the opset. */
  irVersion?: number;
  producer?: string;
  producerVersion?: string;
  docString?: string;
  /** Written in key order so equal metadata gives equal bytes whatever the insertion order. */
  metadata?: Record<string, string>;
  /** Extra opset imports (e.g. a custom domain in test fixtures). */
  extraOpsets?: { domain: string; version: number }[];
}

function valueInfo(name: string, elemType: ElementTypeName, shape: readonly Dim[]): ValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: ELEMENT_TYPE[elemType],
        shape: { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

/**
 * Builds one ONNX graph in topological order: every node's inputs must already exist, which is
 * what ONNX requires and what the adapter validator checks.
 */
export class GraphBuilder {
  private readonly inputs: ValueInfoProto[] = [];
  private readonly outputs: ValueInfoProto[] = [];
  private readonly initializers: TensorProto[] = [];
  private readonly nodes: NodeProto[] = [];
  private readonly values = new Set<string>();
  private counter = 0;

  constructor(readonly name: string) {}

  private define(name: string): string {
    if (!name) throw new Error('value names must be non-empty');
    if (this.values.has(name)) throw new Error(`value ${name} is already defined`);
    this.values.add(name);
    return name;
  }

  /** A fresh value name that no caller-chosen name is likely to collide with. */
  fresh(prefix: string): string {
    let name: string;
    do name = `${prefix}_${this.counter++}`;
    while (this.values.has(name));
    return name;
  }

  has(name: string): boolean {
    return this.values.has(name);
  }

  input(name: string, elemType: ElementTypeName, shape: readonly Dim[]): string {
    this.inputs.push(valueInfo(this.define(name), elemType, shape));
    return name;
  }

  initializer(name: string, data: NumericTensorData, dims: readonly number[]): string {
    this.initializers.push(makeTensor(this.define(name), data, dims));
    return name;
  }

  /** Adds a node and returns its first output. Use nodeOutputs() for several outputs. */
  node(opType: string, inputs: readonly string[], attributes: Record<string, AttributeValue> = {}, options: NodeOptions = {}): string {
    return this.nodeOutputs(opType, inputs, attributes, options)[0]!;
  }

  nodeOutputs(opType: string, inputs: readonly string[], attributes: Record<string, AttributeValue> = {}, options: NodeOptions = {}): string[] {
    for (const i of inputs) {
      if (i !== '' && !this.values.has(i)) throw new Error(`${opType}: input ${i} is not defined yet`);
    }
    const spec = options.outputs ?? 1;
    const prefix = opType.toLowerCase();
    const outputs = typeof spec === 'number' ? Array.from({ length: spec }, () => this.fresh(prefix)) : spec;
    for (const o of outputs) this.define(o);
    const node: NodeProto = {
      input: [...inputs],
      output: outputs,
      name: options.name ?? `${opType}_${this.nodes.length}`,
      opType,
      attribute: Object.entries(attributes).map(([k, v]) => toAttributeProto(k, v)),
    };
    if (options.domain !== undefined) node.domain = options.domain;
    this.nodes.push(node);
    return outputs;
  }

  /**
   * Declares a graph output. When `as` differs from the value's name an Identity node renames
   * it, so callers can build freely and name the public output (e.g. "probs") at the end.
   */
  output(value: string, elemType: ElementTypeName, shape: readonly Dim[], as: string = value): string {
    if (!this.values.has(value)) throw new Error(`output ${value} is not defined`);
    const name = as === value ? value : this.node('Identity', [value], {}, { outputs: [as] });
    this.outputs.push(valueInfo(name, elemType, shape));
    return name;
  }

  toGraph(): GraphProto {
    return {
      node: [...this.nodes],
      name: this.name,
      initializer: [...this.initializers],
      input: [...this.inputs],
      output: [...this.outputs],
      valueInfo: [],
    };
  }

  toModel(options: ToModelOptions = {}): ModelProto {
    const opset = options.opset ?? 17;
    const model: ModelProto = {
      irVersion: options.irVersion ?? irVersionForOpset(opset),
      opsetImport: [{ domain: '', version: opset }, ...(options.extraOpsets ?? [])],
      producerName: options.producer ?? 'graft',
      graph: this.toGraph(),
      metadataProps: Object.keys(options.metadata ?? {})
        .sort()
        .map((key) => ({ key, value: options.metadata![key]! })),
    };
    if (options.producerVersion !== undefined) model.producerVersion = options.producerVersion;
    if (options.docString !== undefined) model.docString = options.docString;
    return model;
  }
}
