import type { Pixels } from './orient-image';
import type { RgbImage } from './rgb-image';

/**
 * Averages k×k blocks (partial blocks at the edges over the pixels they have) so that plain
 * bilinear sampling afterwards never skips source pixels: without it a 2000-px photo shrunk to
 * 224 would alias badly.
 */
function boxReduce(image: RgbImage, kx: number, ky: number): Pixels<Float32Array> {
  const { width: w, height: h, data } = image;
  const rw = Math.ceil(w / kx);
  const rh = Math.ceil(h / ky);
  const out = new Float32Array(rw * rh * 3);
  for (let by = 0; by < rh; by++) {
    const y1 = Math.min(h, (by + 1) * ky);
    for (let bx = 0; bx < rw; bx++) {
      const x1 = Math.min(w, (bx + 1) * kx);
      let r = 0, g = 0, b = 0, n = 0;
      for (let y = by * ky; y < y1; y++) {
        for (let x = bx * kx, s = (y * w + x) * 3; x < x1; x++, s += 3) {
          r += data[s]!; g += data[s + 1]!; b += data[s + 2]!; n++;
        }
      }
      const o = (by * rw + bx) * 3;
      out[o] = r / n; out[o + 1] = g / n; out[o + 2] = b / n;
    }
  }
  return { width: rw, height: rh, data: out };
}

function asFloat(image: RgbImage): Pixels<Float32Array> {
  return { width: image.width, height: image.height, data: Float32Array.from(image.data) };
}

/**
 * `box-bilinear` resize to exactly width × height (aspect ratio not kept: `stretch`), RGB values
 * 0–255 as float32. Integer box pre-reduction, then bilinear with half-pixel centres and edge
 * clamping. Plain arithmetic in a fixed order, so Node and workerd give the same bits.
 */
export function resizeImage(image: RgbImage, width: number, height: number): Pixels<Float32Array> {
  const kx = Math.max(1, Math.floor(image.width / width));
  const ky = Math.max(1, Math.floor(image.height / height));
  const src = kx > 1 || ky > 1 ? boxReduce(image, kx, ky) : asFloat(image);
  const { width: sw, height: sh, data } = src;
  const out = new Float32Array(width * height * 3);
  const xs = new Int32Array(width * 2);
  const fxs = new Float64Array(width);
  for (let x = 0; x < width; x++) {
    const sx = Math.min(sw - 1, Math.max(0, ((x + 0.5) * sw) / width - 0.5));
    const x0 = Math.floor(sx);
    xs[2 * x] = x0;
    xs[2 * x + 1] = Math.min(sw - 1, x0 + 1);
    fxs[x] = sx - x0;
  }
  for (let y = 0; y < height; y++) {
    const sy = Math.min(sh - 1, Math.max(0, ((y + 0.5) * sh) / height - 0.5));
    const y0 = Math.floor(sy);
    const y1 = Math.min(sh - 1, y0 + 1);
    const fy = sy - y0;
    for (let x = 0; x < width; x++) {
      const fx = fxs[x]!;
      const a = (y0 * sw + xs[2 * x]!) * 3, b = (y0 * sw + xs[2 * x + 1]!) * 3;
      const c = (y1 * sw + xs[2 * x]!) * 3, d = (y1 * sw + xs[2 * x + 1]!) * 3;
      const o = (y * width + x) * 3;
      for (let ch = 0; ch < 3; ch++) {
        const top = data[a + ch]! + (data[b + ch]! - data[a + ch]!) * fx;
        const bottom = data[c + ch]! + (data[d + ch]! - data[c + ch]!) * fx;
        out[o + ch] = top + (bottom - top) * fy;
      }
    }
  }
  return { width, height, data: out };
}
