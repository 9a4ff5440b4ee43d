import type { Orientation } from './exif-orientation';

/** A square or rectangular RGB-like buffer of `channels` samples per pixel. */
export interface Pixels<T extends Float32Array | Uint8Array> {
  width: number;
  height: number;
  data: T;
}

/**
 * Turns stored pixels upright per the EXIF orientation. For output (x', y') the source is
 * (sx, sy) below; 5–8 swap width and height.
 */
export function orientPixels<T extends Float32Array | Uint8Array>(image: Pixels<T>, orientation: Orientation, channels = 3): Pixels<T> {
  if (orientation === 1) return image;
  const { width: w, height: h, data } = image;
  const swap = orientation >= 5;
  const ow = swap ? h : w;
  const oh = swap ? w : h;
  const out = new (data.constructor as new (n: number) => T)(data.length);
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      let sx: number, sy: number;
      switch (orientation) {
        case 2: [sx, sy] = [w - 1 - x, y]; break;
        case 3: [sx, sy] = [w - 1 - x, h - 1 - y]; break;
        case 4: [sx, sy] = [x, h - 1 - y]; break;
        case 5: [sx, sy] = [y, x]; break;
        case 6: [sx, sy] = [y, h - 1 - x]; break;
        case 7: [sx, sy] = [w - 1 - y, h - 1 - x]; break;
        default: [sx, sy] = [w - 1 - y, x]; break;
      }
      const s = (sy * w + sx) * channels;
      const o = (y * ow + x) * channels;
      for (let c = 0; c < channels; c++) out[o + c] = data[s + c]!;
    }
  }
  return { width: ow, height: oh, data: out };
}
