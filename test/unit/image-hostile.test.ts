import { describe, expect, it } from 'vitest';
import { checkImage } from '../../core/image/check-image';
import { decodeBudget, pngDecodeBytes } from '../../core/image/decode-cost';
import { decodeImage } from '../../core/image/decode-image';
import { ImageError, type ImageErrorCode } from '../../core/image/image-error';
import { DEFAULT_IMAGE_LIMITS, MAX_JPEG_SCANS, MAX_PNG_CHUNKS } from '../../core/image/image-limits';
import { pngInflatedSize, readPngHeader } from '../../core/image/png-header';
import { pixelBatch } from '../../core/image/pixel-features';
import * as h from '../helpers/hostile-images';
import { fixture, pngBytes, syntheticScene } from '../helpers/image-fixtures';

/** The code decodeImage refuses the bytes with; the time it took is logged, never asserted. */
async function refusal(what: string, bytes: Uint8Array): Promise<ImageErrorCode> {
  const t0 = performance.now();
  try {
    await decodeImage(bytes);
  } catch (error) {
    console.log(`${what} (${bytes.length} bytes): refused in ${(performance.now() - t0).toFixed(1)} ms`);
    expect(error).toBeInstanceOf(ImageError);
    return (error as ImageError).code;
  }
  throw new Error(`decodeImage accepted ${what}`);
}

const chunkTypes = (chunks: readonly Uint8Array[]) => chunks.map((c) => String.fromCharCode(...c.subarray(4, 8)));

/** A PNG of zero samples (filter None): any size, a few kilobytes of zlib. */
async function zeroPng(width: number, height: number, depth: number, colorType: number, interlace = 0): Promise<Uint8Array> {
  const layout = { width, height, depth, colorType, interlaced: interlace === 1 };
  return h.pngFile([h.ihdr(width, height, depth, colorType, interlace), h.pngChunk('IDAT', await h.zlibOfZeros(pngInflatedSize(layout))), h.pngChunk('IEND')]);
}

/** Width × height at the pixel limit: square, just off square, and the widest and tallest strips. */
/** About 1.3 megapixels, within MAX_DECODE_BYTES for camera JPEGs and 8-bit PNGs, in every shape. */
const SHAPES_WITHIN_BUDGET = [[1280, 1024], [1279, 1025], [4096, 320], [8192, 160], [161, 8176]] as const;

describe('PNG ancillary chunks that inflate are never inflated', () => {
  it.each([
    ['iCCP', h.iccpChunk],
    ['zTXt', h.ztxtChunk],
    ['iTXt', h.itxtChunk],
  ] as const)('a 1 GiB %s bomb is skipped: the same pixels as the file without it', async (name, chunk) => {
    const png = fixture('mnist-7.png');
    const bombed = h.withChunksAfterIhdr(png, [chunk(await h.zlibOfZeros(1 << 30))]);
    expect(chunkTypes(readPngHeader(bombed).essential)).toEqual(['IHDR', 'IDAT', 'IEND']);
    const t0 = performance.now();
    const decoded = await decodeImage(bombed);
    console.log(`PNG with a ${name} chunk inflating to 1 GiB (${bombed.length} bytes): decoded in ${(performance.now() - t0).toFixed(1)} ms`);
    expect(decoded).toEqual(await decodeImage(png));
  });

  it('keeps the pixels of legitimate PNGs with colour, text and suggested-palette chunks', async () => {
    const rgb = syntheticScene(13, 11);
    const png = pngBytes({ width: 13, height: 11, data: rgb, channels: 3, depth: 8 });
    const ancillary = [
      h.pngChunk('gAMA', new Uint8Array([0, 0, 0xb1, 0x8f])),
      h.pngChunk('sRGB', new Uint8Array([0])),
      h.iccpChunk(await h.zlibOfZeros(3144)),
      h.pngChunk('tEXt', new TextEncoder().encode('Software\0graft')),
      h.pngChunk('PLTE', new Uint8Array([255, 0, 0, 0, 255, 0])),
      h.pngChunk('tRNS', new Uint8Array([0, 1, 0, 2, 0, 3])),
    ];
    expect((await decodeImage(h.withChunksAfterIhdr(png, ancillary))).image.data).toEqual(rgb);
    const palette = pngBytes({ width: 2, height: 1, data: new Uint8Array([0x10]), channels: 1, depth: 4, palette: [[10, 20, 30], [200, 100, 50]] });
    const withText = h.withChunksAfterIhdr(palette, [h.ztxtChunk(await h.zlibOfZeros(100))]);
    expect((await decodeImage(withText)).image).toEqual((await decodeImage(palette)).image);
  });
});

describe('PNG structure', () => {
  const png = fixture('mnist-7.png');
  // Empty IDATs are part of the same zlib stream: only the number of chunks changes.
  const withChunks = (total: number) => h.withChunksAfterIhdr(png, Array.from({ length: total - 3 }, () => h.pngChunk('IDAT')));

  it(`decodes a PNG of ${MAX_PNG_CHUNKS} chunks and refuses one more (image_too_complex)`, async () => {
    expect((await decodeImage(withChunks(MAX_PNG_CHUNKS))).image).toEqual((await decodeImage(png)).image);
    expect(await refusal(`PNG of ${MAX_PNG_CHUNKS + 1} chunks`, withChunks(MAX_PNG_CHUNKS + 1))).toBe('image_too_complex');
    expect(await refusal('PNG of 100,904 chunks', h.withIdatSplit(png, 1, 250))).toBe('image_too_complex');
  });

  it('refuses palettes the decoder would turn into millions of arrays, or none at all (image_corrupt)', async () => {
    const stream = await h.zlibOfZeros(2);
    const palettePng = (...plte: Uint8Array[]) => h.pngFile([h.ihdr(2, 1, 4, 3), ...plte.map((p) => h.pngChunk('PLTE', p)), h.pngChunk('IDAT', stream), h.pngChunk('IEND')]);
    expect((await decodeImage(palettePng(new Uint8Array(3 * 16)))).image.data).toEqual(new Uint8Array(6));
    expect(await refusal('palette PNG with an 8 MB PLTE', palettePng(new Uint8Array(3 * 2_700_000)))).toBe('image_corrupt');
    expect(await refusal('4-bit palette PNG with 17 colours', palettePng(new Uint8Array(3 * 17)))).toBe('image_corrupt');
    expect(await refusal('palette PNG with two PLTE chunks', palettePng(new Uint8Array(3), new Uint8Array(3)))).toBe('image_corrupt');
    expect(await refusal('palette PNG without PLTE', palettePng())).toBe('image_corrupt');
  });

  it('refuses a second IHDR and unknown IHDR methods (image_corrupt)', async () => {
    const [header, ...rest] = h.pngChunks(png);
    expect(await refusal('PNG with a second IHDR of 2048 × 2048', h.pngFile([header!, h.ihdr(2048, 2048, 8, 0), ...rest]))).toBe('image_corrupt');
    expect(await refusal('PNG with interlace method 2', await zeroPng(4, 4, 8, 0, 2))).toBe('image_corrupt');
  });
});

describe('decoding cost, from the header', () => {
  it('admits 8-bit images within the decode budget, whatever their shape, and refuses a 4:4:4 JPEG at the pixel limit', async () => {
    for (const [width, height] of SHAPES_WITHIN_BUDGET) {
      for (const components of [h.YCBCR_420, h.GREY]) expect(checkImage(h.flatJpeg({ width, height, components })).type).toBe('jpeg');
      for (const interlace of [0, 1]) expect(checkImage(await zeroPng(width, height, 8, 6, interlace)).type).toBe('png');
    }
    expect(checkImage(h.flatJpeg({ width: 900, height: 900, components: h.YCBCR_444 })).type).toBe('jpeg');
    expect(await refusal('2048 × 2048 4:4:4 JPEG', h.flatJpeg({ width: 2048, height: 2048, components: h.YCBCR_444 }))).toBe('image_too_costly');
  });

  it('costs 16-bit PNGs and CMYK JPEGs at their real size (image_too_costly)', async () => {
    expect(await refusal('2048 × 2048 16-bit RGBA PNG', await zeroPng(2048, 2048, 16, 6))).toBe('image_too_costly');
    expect(await refusal('2048 × 2048 16-bit RGB PNG', await zeroPng(2048, 2048, 16, 2))).toBe('image_too_costly');
    expect(await refusal('2048 × 2048 CMYK JPEG', h.flatJpeg({ width: 2048, height: 2048, components: h.CMYK_444, adobeTransform: 0 }))).toBe('image_too_costly');
    // Smaller ones fit the budget and decode.
    const deep = { width: 768, height: 768, depth: 16, colorType: 6, interlaced: false };
    expect(pngDecodeBytes(deep, 0)).toBeLessThan(decodeBudget('png', DEFAULT_IMAGE_LIMITS));
    const cmyk = await decodeImage(h.flatJpeg({ width: 640, height: 640, components: h.CMYK_444, adobeTransform: 2 }));
    expect([cmyk.image.width, cmyk.image.height]).toEqual([640, 640]);
  });

  it('decodes a 768 × 768 16-bit PNG to the high bytes of its samples', async () => {
    const samples = new Uint16Array(768 * 768 * 4).map((_, i) => (((i >> 2) & 1023) * 61 + (i & 3) * 9000) & 0xffff);
    const t0 = performance.now();
    const { image } = await decodeImage(pngBytes({ width: 768, height: 768, data: samples, channels: 4, depth: 16 }));
    console.log(`768 × 768 16-bit RGBA PNG decoded in ${(performance.now() - t0).toFixed(0)} ms`);
    for (const p of [0, 1, 294_911, 589_823]) {
      const alpha = samples[p * 4 + 3]! >> 8;
      const expected = [0, 1, 2].map((c) => Math.round(((samples[p * 4 + c]! >> 8) * alpha + 255 * (255 - alpha)) / 255));
      expect([...image.data.subarray(p * 3, p * 3 + 3)]).toEqual(expected);
    }
  });
});

describe('JPEG structure', () => {
  it('refuses a second frame header before allocating any frame (image_corrupt)', async () => {
    expect(await refusal('JPEG with 4 SOF headers of 2048 × 2048', h.flatJpeg({ width: 2048, height: 2048, components: h.YCBCR_444, extraFrames: 3 }))).toBe('image_corrupt');
  });

  it(`decodes a progressive JPEG of ${MAX_JPEG_SCANS} scans and refuses more (image_too_complex)`, async () => {
    const ten = await decodeImage(h.flatJpeg({ width: 64, height: 48, components: h.YCBCR_444, progressive: { acScans: 9 } }));
    expect(ten.image.data.every((v) => v === 128)).toBe(true);
    expect((await decodeImage(h.flatJpeg({ width: 64, height: 48, components: h.GREY, progressive: { acScans: MAX_JPEG_SCANS - 1 } }))).image.width).toBe(64);
    const over = h.flatJpeg({ width: 64, height: 48, components: h.GREY, progressive: { acScans: MAX_JPEG_SCANS } });
    expect(await refusal(`JPEG of ${MAX_JPEG_SCANS + 1} scans`, over)).toBe('image_too_complex');
    const spin = h.flatJpeg({ width: 2048, height: 2048, components: h.GREY, progressive: { acScans: 20_000 } });
    expect(await refusal('2048 × 2048 progressive JPEG of 20,001 scans', spin)).toBe('image_too_complex');
  });

  it('refuses sampling factors outside 1–4, a component declared twice, and CMYK without an Adobe marker', async () => {
    const factors = [{ id: 1, h: 5, v: 1 }, ...h.YCBCR_444.slice(1)];
    expect(await refusal('JPEG with sampling factor 5', h.flatJpeg({ width: 64, height: 64, components: factors }))).toBe('image_corrupt');
    const twice = [h.YCBCR_444[0]!, h.YCBCR_444[0]!, h.YCBCR_444[2]!];
    expect(await refusal('JPEG declaring component 1 twice', h.flatJpeg({ width: 64, height: 64, components: twice }))).toBe('image_corrupt');
    expect(await refusal('four-component JPEG without APP14', h.flatJpeg({ width: 64, height: 64, components: h.CMYK_444 }))).toBe('image_type_unsupported');
  });
});

describe('the trainer and the edge refuse alike', () => {
  it('refuses through the routine both call (the pixels block) with the same core error', async () => {
    const cmyk = h.flatJpeg({ width: 2048, height: 2048, components: h.CMYK_444, adobeTransform: 0 });
    await expect(pixelBatch([cmyk], { side: 8, channels: 1 })).rejects.toMatchObject({ name: 'ImageError', code: 'image_too_costly' });
  });
});
