import { createServer, type Server } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { API_LIMITS } from '../../core/schemas/api';
import { fixture } from '../helpers/image-fixtures';
import { runGraft } from '../helpers/run-graft';

/** What the stub edge saw of one predict request: file names of image parts, or texts. */
interface Seen {
  path: string;
  contentType: string;
  inputs: string[];
  bytes: number;
  fields: Record<string, unknown>;
}

let dir: string;
let server: Server;
let endpoint: string;
const seen: Seen[] = [];

/** Answers like the edge: one prediction per input, labelled with the image part's file name or the text. */
async function answer(request: Request): Promise<Response> {
  const bytes = (await request.clone().arrayBuffer()).byteLength;
  const contentType = request.headers.get('content-type') ?? '';
  let inputs: string[];
  let fields: Record<string, unknown>;
  if (contentType.startsWith('multipart/form-data')) {
    const form = await request.formData();
    inputs = form.getAll('image').map((part) => (part as File).name);
    fields = {};
    form.forEach((value, name) => name !== 'image' && (fields[name] = value));
  } else {
    ({ inputs, ...fields } = (await request.json()) as { inputs: string[] });
  }
  seen.push({ path: new URL(request.url).pathname, contentType, inputs, bytes, fields });
  if (bytes > API_LIMITS.maxBodyBytes) return Response.json({ code: 'payload_too_large', detail: 'too big', status: 413 }, { status: 413 });
  const predictions = inputs.map((label) => ({ label, score: 0.5 }));
  return Response.json({ adapter: 'shoes', version: 3, backbone: null, predictions, timings: { total_ms: 1, features_ms: 1, head_ms: 0 } });
}

const file = (name: string) => path.join(dir, name);
const predict = (...args: string[]) => runGraft('predict', '--endpoint', endpoint, '--api-key', 'key', '--adapter', 'shoes', ...args);

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'graft-cli-images-'));
  await writeFile(file('a.jpg'), fixture('fashion-sneaker.jpg'));
  await writeFile(file('b.png'), fixture('fashion-bag-alpha.png'));
  // No image extension: taken for an image by its content.
  await writeFile(file('scene'), fixture('scene.jpg'));
  await writeFile(file('notes.txt'), 'just some text');
  await writeFile(file('fake.png'), 'not a png at all');
  await writeFile(file('anim.gif'), 'GIF89a..........');
  const big = new Uint8Array(API_LIMITS.maxImageBytes + 1);
  big.set([0xff, 0xd8, 0xff]);
  await writeFile(file('huge.jpg'), big);
  // Three 3 MiB JPEG-looking files: two fit one request body, three do not.
  const third = new Uint8Array(3 * 1024 * 1024);
  third.set([0xff, 0xd8, 0xff]);
  for (const name of ['m1.jpg', 'm2.jpg', 'm3.jpg']) await writeFile(file(name), third);
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const request = new Request(`http://stub${req.url}`, { method: req.method, headers: req.headers as Record<string, string>, body: Buffer.concat(chunks) });
      const response = await answer(request);
      res.writeHead(response.status, { 'content-type': response.headers.get('content-type') ?? 'application/json' });
      res.end(Buffer.from(await response.arrayBuffer()));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => void (seen.length = 0));

describe('graft predict with image files', () => {
  it('sends image files as multipart, in batches of the documented maximum, in order', async () => {
    const files = Array.from({ length: API_LIMITS.maxImagesPerRequest + 2 }, (_, i) => file(['a.jpg', 'b.png', 'scene'][i % 3]!));
    const run = await predict('--json', '--top-k', '2', '--version', '3', ...files);
    expect(run.code, run.stderr).toBe(0);
    expect(seen.map((s) => s.inputs.length)).toEqual([API_LIMITS.maxImagesPerRequest, 2]);
    for (const request of seen) {
      expect(request.path).toBe('/v1/adapters/shoes/predict');
      expect(request.contentType).toMatch(/^multipart\/form-data; boundary=/);
      expect(request.fields).toEqual({ top_k: '2', version: '3' });
    }
    const out = JSON.parse(run.stdout) as { adapter: string; version: number; predictions: { label: string }[] };
    expect(out).toMatchObject({ adapter: 'shoes', version: 3 });
    expect(out.predictions.map((p) => p.label)).toEqual(files.map((f) => path.basename(f)));
  });

  it('keeps each request body within the edge limit', async () => {
    const run = await predict('--json', file('m1.jpg'), file('m2.jpg'), file('m3.jpg'));
    expect(run.code, run.stderr).toBe(0);
    expect(seen.map((s) => s.inputs)).toEqual([['m1.jpg', 'm2.jpg'], ['m3.jpg']]);
    expect(Math.max(...seen.map((s) => s.bytes))).toBeLessThanOrEqual(API_LIMITS.maxBodyBytes);
  });

  it('prints one line per image with its file name', async () => {
    const run = await predict(file('a.jpg'), file('b.png'));
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe('shoes version 3');
    expect(run.stdout.split('\n')).toEqual([`a.jpg\t0.5000\t${JSON.stringify(file('a.jpg'))}`, `b.png\t0.5000\t${JSON.stringify(file('b.png'))}`]);
  });

  it('refuses, before sending anything, a missing file, a file too large and one that is not an image', async () => {
    const cases: [string, RegExp][] = [
      [file('nope.jpg'), /^graft: .*nope\.jpg: no such file — check the path/],
      [file('huge.jpg'), new RegExp(`^graft: .*huge\\.jpg is ${(API_LIMITS.maxImageBytes + 1).toLocaleString('en-US')} bytes; the edge accepts images of at most [\\d,]+ bytes — downscale it`)],
      [file('fake.png'), /^graft: .*fake\.png: not a JPEG or PNG image \(unrecognised leading bytes\) — export or convert it to JPEG or PNG$/],
      [file('anim.gif'), /^graft: .*anim\.gif: GIF images are not supported; send JPEG or PNG — export or convert/],
    ];
    for (const [arg, line] of cases) {
      const run = await predict(file('a.jpg'), arg);
      expect(run.code).toBe(2);
      expect(run.stderr.split('\n')).toHaveLength(1);
      expect(run.stderr).toMatch(line);
    }
    expect(seen).toEqual([]);
  });

  it('refuses a mix of images and texts, but reads a non-image file name as a text', async () => {
    const mixed = await predict(file('a.jpg'), 'free money');
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toMatch(/^graft: the inputs mix image files \(.*a\.jpg\) and texts \("free money"\) — predict images and texts in separate commands$/);
    expect(seen).toEqual([]);
    const texts = await predict('--json', file('notes.txt'));
    expect(texts.code, texts.stderr).toBe(0);
    expect(seen).toMatchObject([{ contentType: 'application/json', inputs: [file('notes.txt')] }]);
  });
});
