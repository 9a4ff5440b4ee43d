/**
 * Limits shared by the trainer and the edge, so an image the trainer accepts is one the edge
 * serves. The byte, pixel and side limits are checked first; what decoding a file would then
 * allocate is estimated from its header and held to MAX_DECODE_BYTES (core/image/decode-cost.ts),
 * so a 16-bit PNG or a CMYK JPEG is costed at its real size.
 */

/** Largest encoded image accepted, in bytes. */
export const MAX_IMAGE_BYTES = 8 * 1024 * 1024;

/** Most pixels (width × height, as the header declares them) decoded: 2048 × 2048. Checked
 * against the header before any pixel is decoded, so a 20,000 × 20,000 "bomb" costs nothing. */
export const MAX_IMAGE_PIXELS = 2048 * 2048;

/** Longest side accepted, so a 1 × 4,000,000 strip cannot slip under the pixel limit. */
export const MAX_IMAGE_SIDE = 8192;

/**
 * Most bytes decoding one image may allocate (`image_too_costly`), whatever its pixel count. The
 * isolate has 128 MB (~122 MiB); with both backbones resident it holds ~85 MiB (JS heap, the text
 * table, ORT's wasm heap with MobileNetV2's activations: BENCHMARKS.md) and a request body up to
 * 8 MiB, which leaves ~29 MiB. jpeg-js keeps every 8×8 block as its own Int32Array, so this admits
 * about 1.5 megapixels of a camera (4:2:0) JPEG, 0.9 of a 4:4:4 one and 1.8 of an 8-bit RGBA PNG;
 * the backbone sees 224 × 224, so a client loses nothing by downscaling first. The pixel limit
 * above stays the header's sanity bound. Decision 0041.
 */
export const MAX_DECODE_BYTES = 28 * 1024 * 1024;

/** Most scans (SOS markers) in a JPEG (`image_too_complex`). jpeg-js walks every block of a scan's
 * components once per scan, so a scan header and a few bytes of end-of-band run buy a full pass
 * over up to 4 MP: 20,000 of them in 390 KB kept workerd busy for 26 s. libjpeg's
 * progressive script writes 10 scans for colour and 18 for CMYK; mozjpeg's optimised ones fewer. */
export const MAX_JPEG_SCANS = 64;

/** Most chunks in a PNG (`image_too_complex`). Each chunk costs the chunk walk, the inflate guard
 * and the decoder a step however small it is: 100,000 empty IDATs in 1.2 MB took 8 s.
 * libpng writes 8 KiB IDATs (1,024 for an 8 MiB file); no encoder we know writes under 4 KiB. */
export const MAX_PNG_CHUNKS = 4096;

/** The limits one decode is held to: a backbone's `preprocess` may set its own (lower) ones. */
export interface ImageLimits {
  maxBytes: number;
  maxPixels: number;
  maxSide: number;
}

export const DEFAULT_IMAGE_LIMITS: ImageLimits = { maxBytes: MAX_IMAGE_BYTES, maxPixels: MAX_IMAGE_PIXELS, maxSide: MAX_IMAGE_SIDE };
