import { createServer } from 'node:net';

/** A free loopback port for workerd's V8 inspector. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface IsolateHeap {
  /** JS heap in use, after asking for a full GC (wasm memory is counted apart); may include garbage. */
  used_bytes: number;
  total_bytes: number;
  /** ArrayBuffer backing stores (typed arrays such as the TypeScript backbone's table), outside
   * the JS heap but inside the isolate; may include garbage too. Absent where V8 does not say. */
  array_buffer_bytes?: number;
}

/**
 * The user worker's V8 heap through the inspector, after forcing a GC. workerd's RSS also counts
 * miniflare's D1/R2 simulators and garbage V8 has not collected yet, so it overstates the isolate.
 */
export async function isolateHeap(inspectorPort: number): Promise<IsolateHeap | undefined> {
  const targets = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json`)).json()) as { title: string; webSocketDebuggerUrl: string }[];
  const target = targets.find((t) => t.title.includes('core:user'));
  if (!target) return undefined;
  // Node 20's WebSocket is behind --experimental-websocket (the bench:serve script passes it).
  if (typeof WebSocket === 'undefined') return undefined;
  const ws = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    ws.addEventListener('open', resolve, { once: true });
    ws.addEventListener('error', reject, { once: true });
  });
  let id = 0;
  const waiting = new Map<number, (result: unknown) => void>();
  ws.addEventListener('message', (event: MessageEvent) => {
    const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown };
    if (message.id !== undefined) waiting.get(message.id)?.(message.result);
  });
  const send = (method: string) =>
    new Promise<unknown>((resolve, reject) => {
      waiting.set(++id, resolve);
      ws.send(JSON.stringify({ id, method }));
      setTimeout(() => reject(new Error(`inspector: no answer to ${method}`)), 5_000);
    });
  try {
    // Asked for, not awaited: workerd never answers it (whether it collects first is its business).
    ws.send(JSON.stringify({ id: ++id, method: 'HeapProfiler.collectGarbage' }));
    const usage = (await send('Runtime.getHeapUsage')) as { usedSize: number; totalSize: number; backingStorageSize?: number };
    return { used_bytes: usage.usedSize, total_bytes: usage.totalSize, array_buffer_bytes: usage.backingStorageSize };
  } finally {
    ws.close();
  }
}
