/** One code per validator rule, stable across releases: the edge returns it in problem+json. */
export type AdapterModelErrorCode =
  | 'model_too_large'
  | 'onnx_malformed'
  | 'onnx_truncated'
  | 'unsupported_ir_version'
  | 'unsupported_opset'
  | 'custom_domain'
  | 'functions_not_allowed'
  | 'operator_not_allowed'
  | 'subgraph_not_allowed'
  | 'external_data'
  | 'initializer_too_large'
  | 'initializer_invalid'
  | 'dimension_too_large'
  | 'intermediate_too_large'
  | 'input_mismatch'
  | 'output_mismatch'
  | 'too_many_nodes'
  | 'graph_invalid';

export class AdapterModelError extends Error {
  override readonly name = 'AdapterModelError';
  constructor(
    readonly code: AdapterModelErrorCode,
    message: string,
  ) {
    super(message);
  }
}
