import { ModalityMismatchError } from '../../core/inputs/input-batch';
import { ImageError } from '../../core/image/image-error';
import type { ImageProblemCode } from '../../core/problems/problem-codes';

/** The problem code and detail for an image or modality error; undefined for anything else. */
export function imageProblemOf(error: unknown, index?: number): { code: ImageProblemCode; detail: string; extensions: Record<string, unknown> } | undefined {
  if (error instanceof ImageError) {
    return { code: error.code, detail: index === undefined ? error.message : `image ${index}: ${error.message}`, extensions: index === undefined ? {} : { index } };
  }
  if (error instanceof ModalityMismatchError) return { code: 'modality_mismatch', detail: error.message, extensions: { backbone: error.block, expected: error.expected } };
  return undefined;
}
