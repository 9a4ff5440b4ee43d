import type { ImageNormalize } from '../backbones/image-rgb/image-rgb-routine';

/** RGB 0–255 floats → the backbone's scale, written into `out` at `offset` (NHWC). */
export function normalizePixels(rgb: Float32Array, normalize: ImageNormalize, out: Float32Array, offset = 0): void {
  if (normalize.kind === 'range') {
    const scale = (normalize.max - normalize.min) / 255;
    for (let i = 0; i < rgb.length; i++) out[offset + i] = rgb[i]! * scale + normalize.min;
    return;
  }
  const { mean, std } = normalize;
  for (let i = 0; i < rgb.length; i++) {
    const c = i % 3;
    out[offset + i] = (rgb[i]! / 255 - mean[c]!) / std[c]!;
  }
}
