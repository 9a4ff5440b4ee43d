import { Agent, request } from 'node:http';

/** Sequential requests over one keep-alive socket: for single-request timings without fetch's client overhead. */
export class HttpClient {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 16 });

  constructor(
    readonly origin: string,
    private readonly headers: Record<string, string> = {},
  ) {}

  send(method: string, path: string, body?: Buffer | string, type = 'application/json'): Promise<{ status: number; text: string; ms: number }> {
    const start = performance.now();
    return new Promise((resolve, reject) => {
      const headers: Record<string, string | number> = { ...this.headers };
      if (body !== undefined) Object.assign(headers, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
      const req = request(`${this.origin}${path}`, { method, agent: this.agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - start }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  async post(path: string, json: unknown): Promise<{ status: number; text: string; ms: number }> {
    const res = await this.send('POST', path, JSON.stringify(json));
    if (res.status !== 200) throw new Error(`POST ${path}: ${res.status} ${res.text.slice(0, 300)}`);
    return res;
  }

  close(): void {
    this.agent.destroy();
  }
}

const BOUNDARY = 'graft-bench';

/** multipart/form-data by hand: undici's FormData encoding costs more CPU than small uploads. */
export function uploadBody(manifest: unknown, model: Uint8Array): { body: Buffer; type: string } {
  const part = (name: string, extra: string) => `--${BOUNDARY}\r\ncontent-disposition: form-data; name="${name}"${extra}\r\n\r\n`;
  const body = Buffer.concat([
    Buffer.from(`${part('manifest', '\r\ncontent-type: application/json')}${JSON.stringify(manifest)}\r\n`),
    Buffer.from(part('model', '; filename="adapter.onnx"\r\ncontent-type: application/octet-stream')),
    Buffer.from(model),
    Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
  ]);
  return { body, type: `multipart/form-data; boundary=${BOUNDARY}` };
}

export function p(sorted: readonly number[], q: number): number {
  return +sorted[Math.min(sorted.length - 1, Math.floor((q / 100) * sorted.length))]!.toFixed(3);
}

export function summary(times: number[]): { p50_ms: number; p99_ms: number; n: number } {
  const sorted = [...times].sort((a, b) => a - b);
  return { p50_ms: p(sorted, 50), p99_ms: p(sorted, 99), n: sorted.length };
}
