/** Decoded pixels: 8-bit RGB, interleaved, row-major, no padding (3 × width × height bytes). */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}
