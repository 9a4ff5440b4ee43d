// Throwaway worker proving onnxruntime-web in workerd.
//   POST /load                   → initialise ORT
//   PUT  /sessions/:id           → body: ONNX bytes; creates and keeps a session
//   POST /sessions/:id/run       → body: { inputs: { name: { dims, data } }, repeat? } → outputs
//   GET  /bindings/...           → proves the harness's D1, R2, rate limiter and vars reach the worker
import {
  createSession,
  loadOrt,
  ortHeapBytes,
  Tensor,
  type InferenceSession,
} from '../../functions/runtime/ort-web';

interface RunBody {
  inputs: Record<string, { type?: 'float32' | 'int32' | 'int64'; dims: number[]; data: number[] }>;
  repeat?: number;
}

interface Env {
  DB: D1Database;
  ARTIFACTS: R2Bucket;
  RATE_LIMITER: RateLimit;
  ADMIN_TOKEN: string;
  MAX_BATCH_INPUTS: string;
}

const sessions = new Map<string, InferenceSession>();

async function bindings(url: URL, env: Env): Promise<Response> {
  const [, , kind, key = ''] = url.pathname.split('/');
  if (kind === 'limit') return Response.json(await env.RATE_LIMITER.limit({ key }));
  if (kind === 'r2') {
    const object = await env.ARTIFACTS.get(decodeURIComponent(key));
    return object ? new Response(object.body) : new Response('missing', { status: 404 });
  }
  if (kind === 'd1') {
    const { results } = await env.DB.prepare('SELECT name FROM d1_migrations ORDER BY id').all();
    return Response.json(results);
  }
  if (kind === 'vars') {
    return Response.json({ adminToken: env.ADMIN_TOKEN, maxBatchInputs: env.MAX_BATCH_INPUTS });
  }
  return new Response('not found', { status: 404 });
}

async function handle(request: Request, env: Env): Promise<Response> {
  const url = new URL(request.url);
  if (url.pathname.startsWith('/bindings/')) return bindings(url, env);
  const [, head, id, action] = url.pathname.split('/');
  if (url.pathname === '/health') return Response.json({ ok: true });
  if (url.pathname === '/load' && request.method === 'POST') {
    const ort = await loadOrt();
    return Response.json({
      versions: ort.env.versions,
      numThreads: ort.env.wasm.numThreads,
      heapBytes: ortHeapBytes(),
    });
  }
  if (head !== 'sessions' || !id) return new Response('not found', { status: 404 });
  if (request.method === 'PUT' && !action) {
    const bytes = new Uint8Array(await request.arrayBuffer());
    const session = await createSession(bytes);
    sessions.set(id, session);
    return Response.json({ inputNames: session.inputNames, outputNames: session.outputNames, heapBytes: ortHeapBytes() });
  }
  const session = sessions.get(id);
  if (!session) return new Response('no such session', { status: 404 });
  if (request.method === 'POST' && action === 'run') {
    const body = (await request.json()) as RunBody;
    const feeds: Record<string, Tensor> = {};
    for (const [name, { type = 'float32', dims, data }] of Object.entries(body.inputs)) {
      feeds[name] =
        type === 'int64'
          ? new Tensor('int64', BigInt64Array.from(data, (v) => BigInt(v)), dims)
          : type === 'int32'
            ? new Tensor('int32', Int32Array.from(data), dims)
            : new Tensor('float32', Float32Array.from(data), dims);
    }
    let result = await session.run(feeds);
    for (let i = 1; i < (body.repeat ?? 1); i++) result = await session.run(feeds);
    const outputs: Record<string, { type: string; dims: readonly number[]; data: number[] }> = {};
    for (const [name, tensor] of Object.entries(result)) {
      const values = tensor.data as ArrayLike<number | bigint>;
      outputs[name] = { type: tensor.type, dims: tensor.dims, data: Array.from(values, Number) };
      tensor.dispose();
    }
    return Response.json({ outputs });
  }
  if (request.method === 'DELETE' && !action) {
    await session.release();
    sessions.delete(id);
    return new Response(null, { status: 204 });
  }
  return new Response('not found', { status: 404 });
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    try {
      return await handle(request, env);
    } catch (error) {
      const message = error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error);
      return new Response(message, { status: 500 });
    }
  },
};
