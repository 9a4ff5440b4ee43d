/**
 * Limits shared by the trainer and the edge, so an image the trainer accepts is one the edge
 * serves. They are sized for a 128 MB workerd isolate: jpeg-js keeps every 8×8 block as its own
 * Int32Array (~4.5 bytes per sample with object overhead) before writing 3 bytes per RGB pixel,
 * so a 4 MP JPEG peaks near 40 MB while it decodes, next to ~25 MB of backbone and ORT.
 */

/** Largest encoded image accepted, in bytes. */
export const MAX_IMAGE_BYTES = 8 * 1024 * 1024;

/** Most pixels (width × height, as the header declares them) decoded: 2048 × 2048. Checked
 * against the header before any pixel is decoded, so a 20,000 × 20,000 "bomb" costs nothing. */
export const MAX_IMAGE_PIXELS = 2048 * 2048;

/** Longest side accepted, so a 1 × 4,000,000 strip cannot slip under the pixel limit. */
export const MAX_IMAGE_SIDE = 8192;
