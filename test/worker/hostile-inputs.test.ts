import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../helpers/image-fixtures';
import { bystander, type Bystander } from '../helpers/bystander';
import * as h from '../helpers/hostile-images';
import { expectProblem, linearHead, manifestFor, multipart, startGraft, tinyAdapter, uploadForm, type Client, type Graft } from '../helpers/worker-fixtures';

// Crafted images and forms against a real workerd: each must be refused (or its hostile part
// skipped) before the costly step, and another tenant's predict must answer as before.
const PIXELS = { source: 'pixels' as const, dim: 8 * 8 * 3, side: 8, channels: 3 as const };
const GIB = 1 << 30;

/** A form of `count` distinct text fields besides `base`: the shape that made field reading quadratic. */
function manyFields(base: FormData, count: number): FormData {
  for (let i = 0; i < count; i++) base.append(`f${i}`, 'x');
  return base;
}

describe('hostile images and multipart bodies at the edge', () => {
  let graft: Graft;
  let mallory: Client;
  let b: Bystander;
  let bomb: Uint8Array;

  const predictImage = async (bytes: Uint8Array) => {
    const form = new FormData();
    form.append('image', new Blob([new Uint8Array(bytes)]), 'x');
    return mallory.fetch('/v1/adapters/pixels/predict', { method: 'POST', ...(await multipart(form)) });
  };

  /** Sends the attack, logs how long the edge took to answer, checks the problem and the bystander. */
  async function refused(what: string, send: () => Promise<Response>, status: number, code: string): Promise<void> {
    const t0 = performance.now();
    const res = await send();
    console.log(`${what}: ${res.status} in ${(performance.now() - t0).toFixed(0)} ms (HTTP round trip)`);
    await expectProblem(res, status, code);
    await b.expectUnharmed();
  }

  beforeAll(async () => {
    graft = await startGraft();
    mallory = graft.client(await graft.createTenant('mallory'));
    const upload = await mallory.upload('pixels', manifestFor('pixels', ['a', 'b'], [PIXELS]), linearHead(PIXELS.dim, 2, 3));
    expect(upload.status, await upload.clone().text()).toBe(201);
    b = await bystander(graft);
    bomb = await h.zlibOfZeros(GIB);
  });
  afterAll(() => graft?.stop());

  it('skips iCCP, zTXt and iTXt chunks that inflate to a gigabyte: the same answer as without them', async () => {
    const png = fixture('mnist-7.png');
    const plain = await predictImage(png);
    expect(plain.status, await plain.clone().text()).toBe(200);
    const { predictions } = (await plain.json()) as { predictions: unknown };
    for (const [name, chunk] of [['iCCP', h.iccpChunk(bomb)], ['zTXt', h.ztxtChunk(bomb)], ['iTXt', h.itxtChunk(bomb)]] as const) {
      const t0 = performance.now();
      const res = await predictImage(h.withChunksAfterIhdr(png, [chunk]));
      console.log(`PNG with a ${name} chunk inflating to 1 GiB (${chunk.length} bytes): ${res.status} in ${(performance.now() - t0).toFixed(0)} ms`);
      expect(res.status, await res.clone().text()).toBe(200);
      expect(((await res.json()) as { predictions: unknown }).predictions).toEqual(predictions);
      await b.expectUnharmed();
    }
  });

  it('image_too_complex: a PNG cut into 100,000 chunks', async () => {
    const chunks = h.withIdatSplit(fixture('mnist-7.png'), 1, 250);
    await refused(`PNG of ${h.pngChunks(chunks).length} chunks (${chunks.length} bytes)`, () => predictImage(chunks), 422, 'image_too_complex');
  });

  it('image_corrupt: a palette PNG whose PLTE holds 2.7 million colours', async () => {
    const palette = h.pngFile([h.ihdr(2, 1, 4, 3), h.pngChunk('PLTE', new Uint8Array(3 * 2_700_000)), h.pngChunk('IDAT', await h.zlibOfZeros(2)), h.pngChunk('IEND')]);
    await refused('PNG with an 8 MB PLTE', () => predictImage(palette), 422, 'image_corrupt');
  });

  it('image_too_costly: a 2048 × 2048 16-bit RGBA PNG, costed at its real size', async () => {
    const deep = h.pngFile([h.ihdr(2048, 2048, 16, 6), h.pngChunk('IDAT', await h.zlibOfZeros(2048 * (1 + 2048 * 8))), h.pngChunk('IEND')]);
    await refused('2048 × 2048 16-bit RGBA PNG', () => predictImage(deep), 422, 'image_too_costly');
  });

  it('image_too_costly: a 2048 × 2048 CMYK JPEG, costed at its real size', async () => {
    const cmyk = h.flatJpeg({ width: 2048, height: 2048, components: h.CMYK_444, adobeTransform: 0 });
    await refused('2048 × 2048 CMYK JPEG', () => predictImage(cmyk), 422, 'image_too_costly');
  });

  it('image_corrupt: a JPEG with four frame headers', async () => {
    const frames = h.flatJpeg({ width: 2048, height: 2048, components: h.YCBCR_444, extraFrames: 3 });
    await refused('JPEG with 4 SOF headers of 2048 × 2048', () => predictImage(frames), 422, 'image_corrupt');
  });

  it('image_too_complex: a progressive JPEG of 20,000 scans', async () => {
    const scans = h.flatJpeg({ width: 2048, height: 2048, components: h.GREY, progressive: { acScans: 20_000 } });
    await refused(`progressive 2048 × 2048 JPEG of 20,000 scans (${scans.length} bytes)`, () => predictImage(scans), 422, 'image_too_complex');
  });

  it('too_many_parts: a predict form of 50,000 fields', async () => {
    const form = manyFields(new FormData(), 50_000);
    form.append('image', new Blob([new Uint8Array(fixture('mnist-7.png'))]), 'x');
    const body = await multipart(form);
    await refused(`predict form of 50,001 parts (${body.body.byteLength} bytes)`, () => mallory.fetch('/v1/adapters/pixels/predict', { method: 'POST', ...body }), 413, 'too_many_parts');
  });

  it('too_many_parts: an upload form of 50,000 fields, and the live version keeps serving', async () => {
    const { manifest, model } = tinyAdapter(graft.backbone, 'pixels');
    const body = await multipart(manyFields(uploadForm(manifest, model), 50_000));
    await refused(`upload form of 50,002 parts (${body.body.byteLength} bytes)`, () => mallory.fetch('/v1/adapters/pixels', { method: 'PUT', ...body }), 413, 'too_many_parts');
    const live = (await (await mallory.json('GET', '/v1/adapters/pixels')).json()) as { live_version: number; versions: unknown[] };
    expect([live.live_version, live.versions.length]).toEqual([1, 1]);
    expect((await predictImage(fixture('mnist-7.png'))).status).toBe(200);
  });
});
