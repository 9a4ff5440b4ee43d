import type { AdapterModelErrorCode } from '../core/onnx/adapter-model-error';
import { IMAGE_PROBLEMS } from './images/image-problems';

/**
 * Every error the API returns, as RFC 9457 problem+json `{type, title, status, detail, code}`.
 * `code` is the stable, machine-readable part: clients switch on it; titles and details may
 * change. `type` is `<PROBLEM_BASE><code>`. Each code has exactly one status.
 */
export const PROBLEM_BASE = 'https://graft.dev/problems/';

const validatorCodes: Record<AdapterModelErrorCode, readonly [number, string]> = {
  model_too_large: [413, 'Adapter model too large'],
  onnx_malformed: [422, 'Not a valid ONNX model'],
  onnx_truncated: [422, 'ONNX model is truncated'],
  unsupported_ir_version: [422, 'Unsupported ONNX IR version'],
  unsupported_opset: [422, 'Unsupported ONNX opset'],
  custom_domain: [422, 'Custom operator domains are not allowed'],
  functions_not_allowed: [422, 'Model-local functions are not allowed'],
  operator_not_allowed: [422, 'Operator not allowed in adapters'],
  subgraph_not_allowed: [422, 'Subgraphs are not allowed'],
  external_data: [422, 'External tensor data is not allowed'],
  initializer_too_large: [422, 'Initializer too large'],
  initializer_invalid: [422, 'Invalid initializer'],
  dimension_too_large: [422, 'Dimension too large'],
  intermediate_too_large: [422, 'Intermediate tensor too large'],
  input_mismatch: [422, 'Model input does not match the manifest'],
  output_mismatch: [422, 'Model output does not match the manifest'],
  too_many_nodes: [422, 'Too many nodes'],
  graph_invalid: [422, 'Invalid graph'],
};

export const PROBLEMS = {
  // Requests
  invalid_request: [400, 'Invalid request'],
  invalid_upload: [400, 'Invalid upload'],
  unsupported_media_type: [415, 'Unsupported media type'],
  payload_too_large: [413, 'Payload too large'],
  too_many_inputs: [422, 'Too many inputs'],
  text_too_long: [422, 'Text too long'],
  too_many_adapters: [422, 'Too many adapters'],
  not_found: [404, 'Not found'],
  method_not_allowed: [405, 'Method not allowed'],
  // Auth and abuse
  unauthorized: [401, 'Unauthorized'],
  rate_limited: [429, 'Too many requests'],
  // Tenants and keys
  tenant_exists: [409, 'Tenant already exists'],
  tenant_not_found: [404, 'Tenant not found'],
  key_not_found: [404, 'API key not found'],
  // Adapters
  adapter_not_found: [404, 'Adapter not found'],
  version_not_found: [404, 'Adapter version not found'],
  no_live_version: [409, 'Adapter has no live version'],
  invalid_manifest: [422, 'Invalid adapter manifest'],
  model_digest_mismatch: [422, 'Model does not match the manifest digest'],
  backbone_unknown: [409, 'Backbone not available on this edge'],
  backbone_mismatch: [409, 'Backbone differs from the one the adapter was trained on'],
  backbone_not_found: [404, 'Backbone not found'],
  trial_run_failed: [422, 'Adapter failed its trial run'],
  ...validatorCodes,
  ...IMAGE_PROBLEMS,
  // Server side
  backbone_corrupt: [500, 'Backbone artifacts are corrupt'],
  version_conflict: [503, 'Could not allocate a version, retry'],
  internal_error: [500, 'Internal error'],
} as const satisfies Record<string, readonly [number, string]>;

export type ProblemCode = keyof typeof PROBLEMS;

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ProblemCode;
  [extension: string]: unknown;
}

/** Thrown anywhere in a request; app.onError turns it into the response. */
export class Problem extends Error {
  override readonly name = 'Problem';
  constructor(
    readonly code: ProblemCode,
    detail: string,
    readonly extensions: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }

  get status(): number {
    return PROBLEMS[this.code][0];
  }
}

export function problemBody(code: ProblemCode, detail: string, extensions: Record<string, unknown> = {}): ProblemBody {
  const [status, title] = PROBLEMS[code];
  return { ...extensions, type: `${PROBLEM_BASE}${code}`, title, status, detail, code };
}

export function problemResponse(problem: Problem): Response {
  const body = problemBody(problem.code, problem.message, problem.extensions);
  return new Response(JSON.stringify(body), {
    status: body.status,
    headers: { 'content-type': 'application/problem+json', ...problem.headers },
  });
}
