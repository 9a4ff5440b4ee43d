import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as ortNode from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorker, TEST_ADMIN_TOKEN, type WorkerHarness } from '../helpers/worker-harness';

// Hand-written protobuf: this suite must not depend on the graph builder it is meant to serve.
class Proto {
  private readonly bytes: number[] = [];

  private varint(value: number): void {
    let v = BigInt(value);
    do {
      let b = Number(v & 0x7fn);
      v >>= 7n;
      if (v > 0n) b |= 0x80;
      this.bytes.push(b);
    } while (v > 0n);
  }

  private key(field: number, wire: number): void {
    this.varint((field << 3) | wire);
  }

  int(field: number, value: number): this {
    this.key(field, 0);
    this.varint(value);
    return this;
  }

  raw(field: number, data: Uint8Array): this {
    this.key(field, 2);
    this.varint(data.length);
    this.bytes.push(...data);
    return this;
  }

  str(field: number, value: string): this {
    return this.raw(field, new TextEncoder().encode(value));
  }

  msg(field: number, build: (p: Proto) => void): this {
    const inner = new Proto();
    build(inner);
    return this.raw(field, inner.finish());
  }

  finish(): Uint8Array<ArrayBuffer> {
    return Uint8Array.from(this.bytes);
  }
}

const FLOAT = 1;
const INT64 = 7;
const ATTR_INT = 2;
const ATTR_INTS = 7;

function floatTensor(p: Proto, name: string, dims: number[], values: number[]): void {
  for (const d of dims) p.int(1, d);
  p.int(2, FLOAT);
  p.str(8, name);
  p.raw(9, new Uint8Array(Float32Array.from(values).buffer));
}

function valueInfo(p: Proto, name: string, dims: (number | string)[], elemType = FLOAT): void {
  p.str(1, name);
  p.msg(2, (type) =>
    type.msg(1, (tensor) => {
      tensor.int(1, elemType);
      tensor.msg(2, (shape) => {
        for (const d of dims) shape.msg(1, (dim) => (typeof d === 'number' ? dim.int(1, d) : dim.str(2, d)));
      });
    }),
  );
}

const IN = 4;
const OUT = 3;
const WEIGHTS = Array.from({ length: IN * OUT }, (_, i) => Math.sin(i * 1.7) * 0.9);
const BIAS = [0.11, -0.37, 0.05];

/** probs = Softmax(Gemm(features, W, B)), features [N, 4] → probs [N, 3]. */
function headModel(): Uint8Array<ArrayBuffer> {
  const model = new Proto();
  model.int(1, 8); // ir_version
  model.str(2, 'graft-ort-runtime-test');
  model.msg(7, (graph) => {
    graph.msg(1, (node) => {
      node.str(1, 'features').str(1, 'W').str(1, 'B').str(2, 'logits').str(3, 'gemm').str(4, 'Gemm');
    });
    graph.msg(1, (node) => {
      node.str(1, 'logits').str(2, 'probs').str(3, 'softmax').str(4, 'Softmax');
      node.msg(5, (attr) => attr.str(1, 'axis').int(3, 1).int(20, ATTR_INT));
    });
    graph.str(2, 'head');
    graph.msg(5, (t) => floatTensor(t, 'W', [IN, OUT], WEIGHTS));
    graph.msg(5, (t) => floatTensor(t, 'B', [OUT], BIAS));
    graph.msg(11, (v) => valueInfo(v, 'features', ['N', IN]));
    graph.msg(12, (v) => valueInfo(v, 'probs', ['N', OUT]));
  });
  model.msg(8, (opset) => opset.str(1, '').int(2, 13));
  return model.finish();
}

const VOCAB = 6;
const DIM = 3;
const EMBEDDINGS = Array.from({ length: VOCAB * DIM }, (_, i) => Math.tan(i * 0.3) / 3);

/** emb = ReduceMean(Gather(E, ids), axis 1): int64 ids [N, L] → float32 [N, 3], like a backbone. */
function gatherModel(): Uint8Array<ArrayBuffer> {
  const model = new Proto();
  model.int(1, 8);
  model.msg(7, (graph) => {
    graph.msg(1, (node) => node.str(1, 'E').str(1, 'ids').str(2, 'vectors').str(4, 'Gather'));
    graph.msg(1, (node) => {
      node.str(1, 'vectors').str(2, 'embedding').str(4, 'ReduceMean');
      node.msg(5, (attr) => attr.str(1, 'axes').int(8, 1).int(20, ATTR_INTS));
      node.msg(5, (attr) => attr.str(1, 'keepdims').int(3, 0).int(20, ATTR_INT));
    });
    graph.str(2, 'backbone');
    graph.msg(5, (t) => floatTensor(t, 'E', [VOCAB, DIM], EMBEDDINGS));
    graph.msg(11, (v) => valueInfo(v, 'ids', ['N', 'L'], INT64));
    graph.msg(12, (v) => valueInfo(v, 'embedding', ['N', DIM]));
  });
  model.msg(8, (opset) => opset.str(1, '').int(2, 13));
  return model.finish();
}

const BATCH = 5;
const INPUT = Array.from({ length: BATCH * IN }, (_, i) => Math.cos(i * 0.61) * 2);

interface RunResponse {
  outputs: Record<string, { type: string; dims: number[]; data: number[] }>;
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const value = await fn();
  return [value, performance.now() - start];
}

describe('onnxruntime-web inside workerd', () => {
  let worker: WorkerHarness;
  const model = headModel();

  beforeAll(async () => {
    worker = await startWorker({ entry: 'test/worker-fixtures/ort-spike.ts' });
  }, 180_000);

  afterAll(async () => {
    await worker?.stop();
  });

  it('runs a Gemm+Softmax head and matches onnxruntime-node to 1e-6', async () => {
    const [health, roundTripMs] = await timed(() => worker.fetch('/health'));
    expect(health.status).toBe(200);

    const [load, loadMs] = await timed(() => worker.fetch('/load', { method: 'POST' }));
    expect(load.status, await load.clone().text()).toBe(200);
    const loaded = (await load.json()) as { heapBytes: number };
    expect(loaded).toMatchObject({ numThreads: 1, versions: { web: '1.30.0' } });
    expect(loaded.heapBytes).toBeGreaterThan(0);

    const [created, createMs] = await timed(() =>
      worker.fetch('/sessions/head', { method: 'PUT', body: model }),
    );
    expect(created.status, await created.clone().text()).toBe(200);
    expect(await created.json()).toMatchObject({ inputNames: ['features'], outputNames: ['probs'] });

    const body = JSON.stringify({ inputs: { features: { dims: [BATCH, IN], data: INPUT } } });
    const [first, firstRunMs] = await timed(() =>
      worker.fetch('/sessions/head/run', { method: 'POST', body }),
    );
    expect(first.status, await first.clone().text()).toBe(200);
    const edge = ((await first.json()) as RunResponse).outputs.probs;

    const session = await ortNode.InferenceSession.create(model);
    const reference = await session.run({
      features: new ortNode.Tensor('float32', Float32Array.from(INPUT), [BATCH, IN]),
    });
    const expected = Array.from(reference.probs!.data as Float32Array);
    await session.release();

    expect(edge?.type).toBe('float32');
    expect(edge?.dims).toEqual([BATCH, OUT]);
    expect(edge?.data).toHaveLength(expected.length);
    const maxDiff = Math.max(...expected.map((v, i) => Math.abs(v - edge!.data[i]!)));
    expect(maxDiff).toBeLessThanOrEqual(1e-6);

    const [, healthWarmMs] = await timed(() => worker.fetch('/health').then((r) => r.arrayBuffer()));
    const warmCreates: number[] = [];
    for (let i = 0; i < 5; i++) {
      const [again, ms] = await timed(() => worker.fetch(`/sessions/head-${i}`, { method: 'PUT', body: model }));
      expect(again.status).toBe(200);
      warmCreates.push(ms);
      await worker.fetch(`/sessions/head-${i}`, { method: 'DELETE' });
    }

    const warmRuns = 200;
    const [, warmTotalMs] = await timed(() =>
      worker.fetch('/sessions/head/run', {
        method: 'POST',
        body: JSON.stringify({ inputs: { features: { dims: [BATCH, IN], data: INPUT } }, repeat: warmRuns }),
      }),
    );
    const warmHttp: number[] = [];
    for (let i = 0; i < 50; i++) {
      warmHttp.push((await timed(() => worker.fetch('/sessions/head/run', { method: 'POST', body }).then((r) => r.arrayBuffer())))[1]);
    }
    warmHttp.sort((a, b) => a - b);

    const sizes = Object.fromEntries(
      worker.bundle.modules.map((m) => [m.path, `${(statSync(path.join(worker.bundle.dir, m.path)).size / 1024).toFixed(1)} KiB`]),
    );
    console.log(
      JSON.stringify(
        {
          bundle: sizes,
          ortHeapMiBAfterInit: round(loaded.heapBytes / 2 ** 20),
          maxAbsDiffVsNode: maxDiff,
          httpRoundTripMs: round(roundTripMs),
          ortInitMs: round(loadMs),
          coldSessionCreateMs: round(createMs),
          firstRunMs: round(firstRunMs),
          nextSessionCreatesMs: warmCreates.map(round),
          warmHealthRoundTripMs: round(healthWarmMs),
          warmRunInIsolateMs: round((warmTotalMs - healthWarmMs) / warmRuns),
          warmRunOverHttpP50Ms: round(warmHttp[Math.floor(warmHttp.length / 2)]!),
        },
        null,
        2,
      ),
    );
  }, 120_000);

  it('feeds int64 ids through Gather + ReduceMean like onnxruntime-node', async () => {
    const ids = [0, 5, 2, 2, 4, 1, 3, 3, 0];
    const created = await worker.fetch('/sessions/gather', { method: 'PUT', body: gatherModel() });
    expect(created.status, await created.clone().text()).toBe(200);
    const response = await worker.fetch('/sessions/gather/run', {
      method: 'POST',
      body: JSON.stringify({ inputs: { ids: { type: 'int64', dims: [3, 3], data: ids } } }),
    });
    expect(response.status, await response.clone().text()).toBe(200);
    const edge = ((await response.json()) as RunResponse).outputs.embedding;

    const session = await ortNode.InferenceSession.create(gatherModel());
    const reference = await session.run({
      ids: new ortNode.Tensor('int64', BigInt64Array.from(ids, (v) => BigInt(v)), [3, 3]),
    });
    const expected = Array.from(reference.embedding!.data as Float32Array);
    await session.release();

    expect(edge?.dims).toEqual([3, DIM]);
    expected.forEach((v, i) => expect(Math.abs(v - edge!.data[i]!)).toBeLessThanOrEqual(1e-6));
  });
});

describe('worker harness bindings', () => {
  let worker: WorkerHarness;
  const migrations = mkdtempSync(path.join(tmpdir(), 'graft-migrations-'));

  beforeAll(async () => {
    writeFileSync(
      path.join(migrations, '0001_init.sql'),
      `-- a comment; with a semicolon
CREATE TABLE tenants (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL DEFAULT 'a;b'
);
CREATE TABLE audit_log (id INTEGER PRIMARY KEY, tenant TEXT);
CREATE TRIGGER tenants_audit AFTER INSERT ON tenants BEGIN
  INSERT INTO audit_log (tenant) VALUES (NEW.id);
END;
`,
    );
    writeFileSync(path.join(migrations, '0002_seed.sql'), `INSERT INTO tenants (id) VALUES ('acme');\n`);
    worker = await startWorker({
      entry: 'test/worker-fixtures/ort-spike.ts',
      migrationsDir: migrations,
      bindings: { MAX_BATCH_INPUTS: '7' },
      miniflare: { ratelimits: { RATE_LIMITER: { simple: { limit: 2, period: 60 } } } },
    });
  }, 180_000);

  afterAll(async () => {
    await worker?.stop();
    rmSync(migrations, { recursive: true, force: true });
  });

  it('applies migrations in order, like wrangler d1 migrations apply', async () => {
    expect(await worker.d1Exec('SELECT id, name FROM tenants')).toEqual([{ id: 'acme', name: 'a;b' }]);
    expect(await worker.d1Exec('SELECT tenant FROM audit_log')).toEqual([{ tenant: 'acme' }]);
    const applied = await worker.fetch('/bindings/d1');
    expect(await applied.json()).toEqual([{ name: '0001_init.sql' }, { name: '0002_seed.sql' }]);
  });

  it('shares R2 with the worker', async () => {
    await worker.r2Put('adapters/acme/spam/1.onnx', new Uint8Array([1, 2, 3]));
    const response = await worker.fetch('/bindings/r2/adapters%2Facme%2Fspam%2F1.onnx');
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(new Uint8Array([1, 2, 3]));
  });

  it('simulates the rate limiter locally and passes vars and the admin secret', async () => {
    const outcomes: boolean[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await worker.fetch('/bindings/limit/tenant-a');
      outcomes.push(((await r.json()) as { success: boolean }).success);
    }
    expect(outcomes).toEqual([true, true, false]);
    const other = await worker.fetch('/bindings/limit/tenant-b');
    expect(await other.json()).toEqual({ success: true });
    const vars = await worker.fetch('/bindings/vars');
    expect(await vars.json()).toEqual({ adminToken: TEST_ADMIN_TOKEN, maxBatchInputs: '7' });
  });
});

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
