import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { BackboneMismatchError } from '../../core/features/assemble-features';
import { imageProblemOf } from '../images/image-problems';
import { Problem, problemResponse, type ProblemCode } from '../problems';

const HTTP_CODES: Record<number, ProblemCode> = {
  400: 'invalid_request',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
};

function toProblem(error: unknown): Problem {
  if (error instanceof Problem) return error;
  if (error instanceof HTTPException) {
    const code = HTTP_CODES[error.status];
    if (code) return new Problem(code, error.message || code);
  }
  // Normally caught earlier by checkBackbones; this covers a catalog refresh mid-request.
  if (error instanceof BackboneMismatchError) {
    return new Problem(error.actual === undefined ? 'backbone_unknown' : 'backbone_mismatch', error.message);
  }
  const image = imageProblemOf(error);
  if (image) return new Problem(image.code, image.detail, image.extensions);
  console.error('unhandled error', error);
  return new Problem('internal_error', 'unexpected error; it has been logged');
}

/** app.onError: every failure leaves as application/problem+json. */
export function handleError(error: unknown, _c: Context): Response {
  return problemResponse(toProblem(error));
}
