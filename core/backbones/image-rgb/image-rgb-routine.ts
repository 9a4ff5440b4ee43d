import { z } from 'zod';
import { imageBatch } from '../../image/preprocess-image';
import { itemsOf } from '../../inputs/input-batch';
import { RoutineError, type BackboneRoutine } from '../backbone-routine';

const Channels3 = z.tuple([z.number(), z.number(), z.number()]);

/** How 8-bit RGB becomes the backbone's floats: linearly onto [min, max], or (v/255 − mean) / std. */
export const ImageNormalize = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('range'), min: z.number(), max: z.number() }),
  z.object({ kind: z.literal('mean-std'), mean: Channels3, std: Channels3.refine((s) => s.every((v) => v > 0), 'std must be positive') }),
]);
export type ImageNormalize = z.infer<typeof ImageNormalize>;

/**
 * `core/image` turns JPEG/PNG bytes into one float32 [height, width, 3] (NHWC) row: decode, EXIF
 * orientation, alpha over white, `box-bilinear` resize stretched to size, normalize.
 */
export const ImagePreprocess = z.object({
  routine: z.literal('image-rgb/v1'),
  layout: z.literal('nhwc'),
  width: z.number().int().positive().max(4096),
  height: z.number().int().positive().max(4096),
  resize: z.literal('box-bilinear'),
  fit: z.literal('stretch'),
  normalize: ImageNormalize,
  max_bytes: z.number().int().positive(),
  max_pixels: z.number().int().positive(),
  max_side: z.number().int().positive(),
});
export type ImagePreprocess = z.infer<typeof ImagePreprocess>;

export const imageRgb: BackboneRoutine<ImagePreprocess> = {
  routine: 'image-rgb/v1',
  modality: 'image',
  preprocess: ImagePreprocess,
  assets: () => [],
  async load({ manifest, preprocess: p, model, runtime }) {
    const [input, ...rest] = manifest.inputs;
    if (!input || rest.length > 0 || input.dtype !== 'float32' || input.shape.length !== 4) {
      throw new RoutineError(manifest.id, 'an image-rgb/v1 backbone takes exactly one float32 [N, height, width, 3] input');
    }
    const session = await runtime.session(model);
    const { dim, name: output } = manifest.output;
    const size = p.width * p.height * 3;
    const embedder = {
      manifest,
      embed: async (batch: Parameters<typeof itemsOf>[0]) => {
        const pixels = await imageBatch(itemsOf(batch, 'image', manifest.id), p);
        const step = runtime.rowsPerRun ?? Math.max(1, pixels.rows);
        if (step >= pixels.rows) {
          return session.run({ [input.name]: { type: 'float32', data: pixels.data, dims: [pixels.rows, p.height, p.width, 3] } }, output, batch);
        }
        const out = new Float32Array(pixels.rows * dim);
        for (let row = 0; row < pixels.rows; row += step) {
          const rows = Math.min(step, pixels.rows - row);
          const data = pixels.data.subarray(row * size, (row + rows) * size);
          out.set(await session.run({ [input.name]: { type: 'float32', data, dims: [rows, p.height, p.width, 3] } }, output, batch), row * dim);
        }
        return out;
      },
    };
    return { embedder, release: () => session.release() };
  },
};
