/** [top, bottom, left, right] zero padding. */
export type Pads2d = [number, number, number, number];

/** Keras ZeroPadding2D `padding` (int, [h, w] or [[top, bottom], [left, right]]) as Pads2d. */
export function zeroPadding(padding: unknown): Pads2d {
  if (typeof padding === 'number') return [padding, padding, padding, padding];
  if (Array.isArray(padding) && padding.length === 2) {
    const [h, w] = padding as unknown[];
    if (typeof h === 'number' && typeof w === 'number') return [h, h, w, w];
    if (Array.isArray(h) && Array.isArray(w)) return [h[0], h[1], w[0], w[1]] as Pads2d;
  }
  throw new Error(`unsupported ZeroPadding2D padding ${JSON.stringify(padding)}`);
}

/** TensorFlow's SAME padding for one axis: the output is ceil(in / stride) and any odd
 * remainder goes after (bottom/right), unlike a symmetric k/2. */
function sameAxis(size: number, kernel: number, stride: number, dilation: number): [number, number] {
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + (kernel - 1) * dilation + 1 - size, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

export function samePadding(h: number, w: number, kernel: [number, number], strides: [number, number], dilations: [number, number]): Pads2d {
  const [top, bottom] = sameAxis(h, kernel[0], strides[0], dilations[0]);
  const [left, right] = sameAxis(w, kernel[1], strides[1], dilations[1]);
  return [top, bottom, left, right];
}

export function convOutputSize(size: number, padBefore: number, padAfter: number, kernel: number, stride: number, dilation: number): number {
  return Math.floor((size + padBefore + padAfter - ((kernel - 1) * dilation + 1)) / stride) + 1;
}
