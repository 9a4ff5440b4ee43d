import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { encode as encodePng } from 'fast-png';
import jpeg from 'jpeg-js';

export const IMAGE_FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/images');

export const FIXTURE_FILES = ['mnist-7.png', 'fashion-sneaker.jpg', 'fashion-bag-alpha.png', 'scene.jpg', 'scene-exif6.jpg'] as const;

export function fixture(name: (typeof FIXTURE_FILES)[number]): Uint8Array {
  return new Uint8Array(readFileSync(path.join(IMAGE_FIXTURES, name)));
}

/** A photo-like RGB scene: sky gradient, a sun, ground with texture, seeded noise. */
export function syntheticScene(width: number, height: number, seed = 1): Uint8Array {
  const data = new Uint8Array(width * height * 3);
  let s = seed;
  const noise = () => ((s = (s * 16807) % 2147483647) / 2147483647 - 0.5) * 12;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      const t = y / height;
      let rgb: [number, number, number] = t < 0.6 ? [90 + 120 * t, 150 + 100 * t, 235] : [60 + 40 * Math.sin(x / 7), 110 + 30 * Math.sin((x + y) / 11), 40];
      const dx = x - width * 0.7, dy = y - height * 0.25;
      if (dx * dx + dy * dy < (height * 0.12) ** 2) rgb = [250, 220, 90];
      if (Math.abs(x - width * 0.3) < width * 0.04 && t > 0.35 && t < 0.8) rgb = [110, 70, 40];
      for (let c = 0; c < 3; c++) data[o + c] = Math.max(0, Math.min(255, Math.round(rgb[c]! + noise())));
    }
  }
  return data;
}

export function encodeJpeg(width: number, height: number, rgb: Uint8Array, quality = 90): Uint8Array {
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) rgba.set([rgb[i * 3]!, rgb[i * 3 + 1]!, rgb[i * 3 + 2]!, 255], i * 4);
  return new Uint8Array(jpeg.encode({ width, height, data: rgba }, quality).data);
}

export function pngBytes(image: Parameters<typeof encodePng>[0], options?: Parameters<typeof encodePng>[1]): Uint8Array {
  return encodePng(image, options);
}

/** An APP1 EXIF segment carrying only the orientation tag (big-endian TIFF). */
export function exifSegment(orientation: number, littleEndian = false): Uint8Array {
  const tiff = new DataView(new ArrayBuffer(8 + 2 + 12 + 4));
  tiff.setUint16(0, littleEndian ? 0x4949 : 0x4d4d);
  tiff.setUint16(2, 42, littleEndian);
  tiff.setUint32(4, 8, littleEndian);
  tiff.setUint16(8, 1, littleEndian);
  tiff.setUint16(10, 0x0112, littleEndian);
  tiff.setUint16(12, 3, littleEndian);
  tiff.setUint32(14, 1, littleEndian);
  tiff.setUint16(18, orientation, littleEndian);
  const payload = new Uint8Array([0x45, 0x78, 0x69, 0x66, 0, 0, ...new Uint8Array(tiff.buffer)]);
  const length = payload.length + 2;
  return new Uint8Array([0xff, 0xe1, length >> 8, length & 0xff, ...payload]);
}

/** The JPEG with an EXIF orientation segment inserted right after SOI. */
export function withExifOrientation(jpegBytes: Uint8Array, orientation: number, littleEndian = false): Uint8Array {
  const segment = exifSegment(orientation, littleEndian);
  const out = new Uint8Array(jpegBytes.length + segment.length);
  out.set(jpegBytes.subarray(0, 2));
  out.set(segment, 2);
  out.set(jpegBytes.subarray(2), 2 + segment.length);
  return out;
}
