import { describe, expect, it } from 'vitest';
import { decodeModel } from '../../core/onnx/decode-model';
import { encodeModel } from '../../core/onnx/encode-model';
import { GraphBuilder } from '../../core/onnx/graph-builder';
import { attr } from '../../core/onnx/graph-attributes';
import { AttributeType, DataType } from '../../core/onnx/onnx-enums';
import { OnnxFormatError } from '../../core/onnx/onnx-format-error';
import { ProtoWriter } from '../../core/onnx/protobuf-writer';
import { readTensorData } from '../../core/onnx/tensor-data';
import type { ModelProto, TensorProto } from '../../core/onnx/onnx-types';
import { validHead, validHeadModel } from '../helpers/onnx-fixtures';

const values = (t: TensorProto): (number | bigint)[] => Array.from(readTensorData(t) as ArrayLike<number | bigint>);

function richModel(): ModelProto {
  const g = new GraphBuilder('rich');
  const x = g.input('x', 'float32', ['N', 3]);
  const w = g.initializer('w', new Float32Array([1, -2.5, 3, 4, 5, 6]), [3, 2]);
  const idx = g.initializer('idx', new Int32Array([0, -7, 2]), [3]);
  const shape = g.initializer('shape', new BigInt64Array([-1n, 2n, 9007199254740993n]), [3]);
  const y = g.node('Gemm', [x, w], { alpha: attr.float(1), transB: 0, beta: 0.25, mode: 'fast', perm: [2, -1], scales: [0.5, 1.5] });
  g.node('Identity', [idx]);
  g.node('Identity', [shape]);
  g.output(y, 'float32', ['N', 2], 'probs');
  return g.toModel({ opset: 17, producerVersion: '1.2.3', metadata: { b: '2', a: '1' }, docString: 'doc' });
}

describe('encodeModel / decodeModel', () => {
  it('round-trips every field the builder writes', () => {
    const m = richModel();
    const back = decodeModel(encodeModel(m));
    expect(back.irVersion).toBe(8);
    expect(back.opsetImport).toEqual([{ domain: '', version: 17 }]);
    expect(back.producerName).toBe('graft');
    expect(back.producerVersion).toBe('1.2.3');
    expect(back.docString).toBe('doc');
    expect(back.metadataProps).toEqual([{ key: 'a', value: '1' }, { key: 'b', value: '2' }]);
    const g = back.graph!;
    expect(g.name).toBe('rich');
    expect(g.input[0]!.type!.tensorType).toEqual({ elemType: DataType.FLOAT, shape: { dim: [{ dimParam: 'N' }, { dimValue: 3 }] } });
    const [w, idx, shape] = g.initializer!;
    expect(w!.dims).toEqual([3, 2]);
    expect(w!.rawData).toBeDefined(); // floats are stored as raw_data
    expect(values(w!)).toEqual([1, -2.5, 3, 4, 5, 6]);
    expect(values(idx!)).toEqual([0, -7, 2]);
    expect(values(shape!)).toEqual([-1n, 2n, 9007199254740993n]);
    const gemm = g.node[0]!;
    expect(gemm.opType).toBe('Gemm');
    const byName = Object.fromEntries(gemm.attribute!.map((a) => [a.name, a]));
    expect(byName.alpha).toMatchObject({ type: AttributeType.FLOAT, f: 1 });
    expect(byName.transB).toMatchObject({ type: AttributeType.INT, i: 0 });
    expect(byName.beta).toMatchObject({ type: AttributeType.FLOAT, f: 0.25 });
    expect(new TextDecoder().decode(byName.mode!.s)).toBe('fast');
    expect(byName.perm).toMatchObject({ type: AttributeType.INTS, ints: [2, -1] });
    expect(byName.scales).toMatchObject({ type: AttributeType.FLOATS, floats: [0.5, 1.5] });
    expect(g.output.map((o) => o.name)).toEqual(['probs']);
  });

  it('is deterministic and stable under decode → encode', () => {
    const a = encodeModel(richModel());
    const b = encodeModel(richModel());
    expect(b).toEqual(a);
    expect(encodeModel(decodeModel(a))).toEqual(a);
    expect(validHead(10, 3)).toEqual(validHead(10, 3));
  });

  it('decodes typed (non-raw) tensor data, packed and unpacked', () => {
    const m = richModel();
    const typed = decodeModel(encodeModel(m, { typedDataAsRaw: false }));
    const [w, idx, shape] = typed.graph!.initializer!;
    expect(w!.rawData).toBeUndefined();
    expect(Array.from(w!.floatData!)).toEqual([1, -2.5, 3, 4, 5, 6]);
    expect(Array.from(idx!.int32Data!)).toEqual([0, -7, 2]);
    expect(Array.from(shape!.int64Data!)).toEqual([-1n, 2n, 9007199254740993n]);

    // TensorProto written field by field, unpacked, as old proto2 writers did.
    const t = new ProtoWriter().varintField(1, 2).varintField(1, 1).varintField(2, DataType.FLOAT)
      .floatField(4, 0.5).floatField(4, -1).stringField(8, 'u').finish();
    const graph = new ProtoWriter().bytesField(5, t).stringField(2, 'g').finish();
    const model = new ProtoWriter().varintField(1, 8).bytesField(7, graph).finish();
    const u = decodeModel(model).graph!.initializer![0]!;
    expect(u).toMatchObject({ name: 'u', dims: [2, 1], dataType: DataType.FLOAT });
    expect(Array.from(u.floatData!)).toEqual([0.5, -1]);
  });

  it('skips unknown fields of every wire type', () => {
    const base = encodeModel(validHeadModel(4, 2));
    const extra = new ProtoWriter().varintField(99, 5).tag(98, 1).fixed64(7n).floatField(97, 1).stringField(96, 'future').finish();
    const joined = new Uint8Array(base.length + extra.length);
    joined.set(base);
    joined.set(extra, base.length);
    expect(decodeModel(joined)).toEqual(decodeModel(base));
  });

  it('throws OnnxFormatError on a known field with the wrong wire type', () => {
    const bad = new ProtoWriter().varintField(7, 1).finish(); // graph as a varint
    expect(() => decodeModel(bad)).toThrow(OnnxFormatError);
  });
});
