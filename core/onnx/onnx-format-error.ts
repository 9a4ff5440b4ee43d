/** Stable codes so callers (and HTTP problem responses) can branch without parsing messages. */
export type OnnxFormatErrorCode = 'onnx_truncated' | 'onnx_malformed' | 'onnx_too_deep' | 'onnx_limit_exceeded';

export class OnnxFormatError extends Error {
  override readonly name = 'OnnxFormatError';
  constructor(
    readonly code: OnnxFormatErrorCode,
    message: string,
  ) {
    super(message);
  }
}
