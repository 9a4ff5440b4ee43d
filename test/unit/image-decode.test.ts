import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../core/image/decode-image';
import { exifOrientation } from '../../core/image/exif-orientation';
import { ImageError, type ImageErrorCode } from '../../core/image/image-error';
import { readJpegHeader } from '../../core/image/jpeg-header';
import { sniffImageType } from '../../core/image/sniff-image';
import { concatBytes } from '../helpers/concat-bytes';
import { encodeJpeg, exifSegment, fixture, pngBytes, syntheticScene, withExifOrientation } from '../helpers/image-fixtures';

async function refusal(bytes: Uint8Array): Promise<ImageErrorCode> {
  try {
    await decodeImage(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(ImageError);
    return (error as ImageError).code;
  }
  throw new Error('decodeImage accepted the input');
}

/** A PNG of the given IHDR size whose single IDAT is the given zlib stream (CRCs not checked before the guards). */
function craftedPng(width: number, height: number, zlibStream: Uint8Array): Uint8Array {
  const chunk = (type: string, data: Uint8Array) => {
    const out = new Uint8Array(12 + data.length);
    const view = new DataView(out.buffer);
    view.setUint32(0, data.length);
    out.set([...type].map((c) => c.charCodeAt(0)), 4);
    out.set(data, 8);
    return out;
  };
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return concatBytes(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', zlibStream), chunk('IEND', new Uint8Array(0)));
}

/** The JPEG with its frame header's height and width replaced. */
function withJpegSize(bytes: Uint8Array, width: number, height: number): Uint8Array {
  const out = bytes.slice();
  for (let i = 2; i < out.length; ) {
    const marker = out[i + 1]!;
    const length = (out[i + 2]! << 8) | out[i + 3]!;
    if (marker === 0xc0 || marker === 0xc2) {
      out.set([height >> 8, height & 0xff, width >> 8, width & 0xff], i + 5);
      return out;
    }
    i += 2 + length;
  }
  throw new Error('no SOF');
}

describe('sniffing', () => {
  it('recognises JPEG and PNG by magic bytes, whatever the name or content type', () => {
    expect(sniffImageType(fixture('scene.jpg'))).toBe('jpeg');
    expect(sniffImageType(fixture('mnist-7.png'))).toBe('png');
  });

  it.each([
    ['GIF', new TextEncoder().encode('GIF89a\x01\x00\x01\x00'), 'image_type_unsupported'],
    ['WebP', new TextEncoder().encode('RIFF\x00\x00\x00\x00WEBPVP8 '), 'image_type_unsupported'],
    ['text', new TextEncoder().encode('{"not":"an image"}'), 'image_type_unsupported'],
    ['nothing', new Uint8Array(0), 'image_empty'],
  ] as const)('refuses %s', async (_name, bytes, code) => {
    expect(await refusal(bytes)).toBe(code);
  });

  it('names the format it refuses', async () => {
    await expect(decodeImage(new TextEncoder().encode('GIF89a..'))).rejects.toThrow(/GIF images are not supported/);
  });
});

describe('decoding', () => {
  it('decodes JPEG and PNG fixtures to RGB of the declared size', async () => {
    const scene = await decodeImage(fixture('scene.jpg'));
    expect([scene.type, scene.image.width, scene.image.height, scene.image.data.length]).toEqual(['jpeg', 320, 240, 320 * 240 * 3]);
    const seven = await decodeImage(fixture('mnist-7.png'));
    expect([seven.type, seven.image.width, seven.image.height]).toEqual(['png', 112, 112]);
    const [r, g, b] = seven.image.data.subarray(0, 3);
    expect(r).toBe(g);
    expect(g).toBe(b);
  });

  it('lays transparent PNG pixels over white', async () => {
    const { image } = await decodeImage(fixture('fashion-bag-alpha.png'));
    expect([...image.data.subarray(0, 3)]).toEqual([255, 255, 255]);
  });

  it('decodes PNG variants: grey 1-bit, grey+alpha, 16-bit RGB, palette, interlaced', async () => {
    const bits = await decodeImage(pngBytes({ width: 9, height: 2, data: new Uint8Array([0b10000000, 0b10000000, 0b00000000, 0b10000000]), channels: 1, depth: 1 }));
    expect([...bits.image.data.subarray(0, 3)]).toEqual([255, 255, 255]);
    expect([...bits.image.data.subarray(3, 6)]).toEqual([0, 0, 0]);
    expect([...bits.image.data.subarray(8 * 3, 9 * 3)]).toEqual([255, 255, 255]);
    const ga = await decodeImage(pngBytes({ width: 1, height: 1, data: new Uint8Array([0, 128]), channels: 2, depth: 8 }));
    expect([...ga.image.data]).toEqual([127, 127, 127]);
    const deep = await decodeImage(pngBytes({ width: 1, height: 1, data: new Uint16Array([0xffff, 0x8000, 0x00ff]), channels: 3, depth: 16 }));
    expect([...deep.image.data]).toEqual([255, 128, 0]);
    const palette = await decodeImage(
      pngBytes({ width: 2, height: 1, data: new Uint8Array([0x10]), channels: 1, depth: 4, palette: [[10, 20, 30], [200, 100, 50]] }),
    );
    expect([...palette.image.data]).toEqual([200, 100, 50, 10, 20, 30]);
    const rgb = syntheticScene(13, 11);
    const interlaced = await decodeImage(pngBytes({ width: 13, height: 11, data: rgb, channels: 3, depth: 8 }, { interlace: 'Adam7' }));
    expect(interlaced.image.data).toEqual(rgb);
  });
});

describe('refusals before decoding', () => {
  it('refuses truncated JPEGs and PNGs', async () => {
    const jpeg = fixture('scene.jpg');
    for (const cut of [jpeg.length - 2, Math.floor(jpeg.length / 2), 300, 3]) expect(await refusal(jpeg.subarray(0, cut))).toBe('image_truncated');
    const png = fixture('mnist-7.png');
    for (const cut of [png.length - 4, png.length - 12, 40, 12]) expect(await refusal(png.subarray(0, cut))).toBe('image_truncated');
  });

  it('refuses a PNG whose image data is cut short even with an IEND', async () => {
    const full = deflateSync(new Uint8Array(8 * (1 + 8 * 3)));
    expect(await refusal(craftedPng(8, 8, full.subarray(0, full.length - 6)))).toBe('image_truncated');
  });

  it('refuses zero-size images', async () => {
    expect(await refusal(withJpegSize(fixture('scene.jpg'), 0, 240))).toBe('image_empty');
    expect(await refusal(craftedPng(0, 10, deflateSync(new Uint8Array(0))))).toBe('image_empty');
  });

  it('refuses 20,000 × 20,000 headers from the header alone, fast', async () => {
    const t0 = performance.now();
    expect(await refusal(withJpegSize(fixture('scene.jpg'), 20_000, 20_000))).toBe('image_too_many_pixels');
    expect(await refusal(craftedPng(20_000, 20_000, deflateSync(new Uint8Array(1000))))).toBe('image_too_many_pixels');
    expect(await refusal(craftedPng(8192 * 2, 2, deflateSync(new Uint8Array(10))))).toBe('image_too_many_pixels');
    expect(performance.now() - t0).toBeLessThan(500);
  });

  it('refuses a PNG whose data inflates past what its header implies (inflation bomb)', async () => {
    // 64 × 64 declared (12,352 bytes inflated), 20 MB of zeros compressed to ~20 KB.
    const bomb = deflateSync(new Uint8Array(20 * 1024 * 1024), { level: 9 });
    expect(bomb.length).toBeLessThan(100_000);
    expect(await refusal(craftedPng(64, 64, bomb))).toBe('image_corrupt');
  });

  it('refuses files over the byte limit', async () => {
    const big = new Uint8Array(9 * 1024 * 1024);
    big.set([0xff, 0xd8, 0xff]);
    expect(await refusal(big)).toBe('image_too_large');
  });

  it('refuses garbage after a valid start', async () => {
    const png = fixture('mnist-7.png').slice();
    png.fill(0x41, 33);
    expect(['image_corrupt', 'image_truncated']).toContain(await refusal(png));
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x04, 0x00, 0x00, 0x12, 0x34]);
    expect(await refusal(jpeg)).toBe('image_corrupt');
  });
});

describe('EXIF orientation', () => {
  it('parses the orientation tag in big- and little-endian TIFF', () => {
    for (let o = 1; o <= 8; o++) {
      expect(exifOrientation(exifSegment(o).subarray(4))).toBe(o);
      expect(exifOrientation(exifSegment(o, true).subarray(4))).toBe(o);
    }
  });

  it('ignores malformed EXIF rather than refusing the photo', () => {
    expect(exifOrientation(new Uint8Array([0x45, 0x78, 0x69, 0x66, 0, 0, 1, 2, 3]))).toBe(1);
    const bad = exifSegment(6).subarray(4).slice();
    bad[6 + 4] = 0xff; // IFD offset far past the end
    expect(exifOrientation(bad)).toBe(1);
    expect(exifOrientation(exifSegment(9).subarray(4))).toBe(1);
  });

  it('reads the orientation from the JPEG header', async () => {
    expect(readJpegHeader(fixture('scene-exif6.jpg')).orientation).toBe(6);
    expect(readJpegHeader(fixture('scene.jpg')).orientation).toBe(1);
    const decoded = await decodeImage(withExifOrientation(encodeJpeg(16, 8, syntheticScene(16, 8)), 3, true));
    expect(decoded.orientation).toBe(3);
  });
});
