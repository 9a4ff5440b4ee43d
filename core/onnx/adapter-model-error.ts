/** One code per validator rule, stable across releases: the edge returns it in problem+json. */
export type AdapterModelErrorCode =
  | 'model_too_large'
  | 'onnx_malformed'
  | 'onnx_truncated'
  | 'onnx_field_repeated'
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
  | 'intermediate_total_too_large'
  | 'compute_too_large'
  | 'folded_constant_too_large'
  | 'run_input_too_large'
  | 'batch_dim_invalid'
  | 'input_mismatch'
  | 'output_mismatch'
  | 'too_many_nodes'
  | 'too_many_node_inputs'
  | 'attribute_repeated'
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
