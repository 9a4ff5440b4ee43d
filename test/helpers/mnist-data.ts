import { createRequire } from 'node:module';

export type MnistKind = 'mnist' | 'fashion-mnist';

const require = createRequire(import.meta.url);

/**
 * 28 × 28 greyscale samples of one class, as 0–255 bytes. The `mnist` package stores each digit
 * as one flat array of floats in [0, 1]; `fashion-mnist` stores arrays of 784 integers.
 */
export function mnistClass(kind: MnistKind, label: number): Uint8Array[] {
  if (kind === 'mnist') {
    const flat = (require(`mnist/src/digits/${label}.json`) as { data: number[] }).data;
    const out: Uint8Array[] = [];
    for (let i = 0; i + 784 <= flat.length; i += 784) out.push(Uint8Array.from(flat.slice(i, i + 784), (v) => Math.round(v * 255)));
    return out;
  }
  // Some class files end with an empty sample.
  return (require(`fashion-mnist/src/clothes/${label}.json`) as { data: number[][] }).data.filter((s) => s.length === 784).map((s) => Uint8Array.from(s));
}

/** Grey 28 × 28 → RGB, each pixel repeated `scale` times per side (nearest neighbour). */
export function upscaleGrey(grey: Uint8Array, scale: number, side = 28): { width: number; height: number; data: Uint8Array } {
  const width = side * scale;
  const data = new Uint8Array(width * width * 3);
  for (let y = 0; y < width; y++) {
    for (let x = 0; x < width; x++) data.fill(grey[Math.floor(y / scale) * side + Math.floor(x / scale)]!, (y * width + x) * 3, (y * width + x) * 3 + 3);
  }
  return { width, height: width, data };
}
