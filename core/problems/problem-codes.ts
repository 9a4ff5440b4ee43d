import type { ImageErrorCode } from '../image/image-error';
import { MAX_IMAGE_BYTES, MAX_IMAGE_PIXELS } from '../image/image-limits';
import type { AdapterModelErrorCode } from '../onnx/adapter-model-error';

/**
 * Every problem `code` the edge returns, with its one HTTP status, its title and the remedy the
 * CLI suggests. One table so the edge's responses, /docs and the CLI's hints cannot drift apart;
 * it lives in core/ because the edge (functions/) and the CLI (infra/) may not import each other.
 * `code` is the stable, machine-readable part: clients switch on it; titles, details and fixes may
 * change.
 */
export interface ProblemSpec {
  readonly status: number;
  readonly title: string;
  /** One line for a CLI user: what to do about it, naming the command when there is one. */
  readonly fix: string;
}

/** What the edge answers for an undecodable image or an input of the wrong kind. */
export type ImageProblemCode = ImageErrorCode | 'modality_mismatch';

/** Codes other core modules raise: each must have an entry, so a new one fails typecheck here. */
type RaisedInCore = AdapterModelErrorCode | ImageProblemCode;

/** The static ONNX validator's codes all mean the file is not an adapter the edge will run. */
export const VALIDATOR_FIX = 'export adapters with graft train; hand-made ONNX must pass the adapter validator';

const MiB = 1024 * 1024;

export const PROBLEMS = {
  // Requests
  invalid_request: { status: 400, title: 'Invalid request', fix: 'check the request: graft <command> --help' },
  invalid_upload: { status: 400, title: 'Invalid upload', fix: 'push a folder written by graft train: graft push <dir>' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type', fix: 'send JSON, or multipart/form-data for uploads and image files' },
  payload_too_large: { status: 413, title: 'Payload too large', fix: 'send a smaller body' },
  too_many_inputs: { status: 422, title: 'Too many inputs', fix: 'send fewer inputs per request (graft predict splits batches for you)' },
  too_many_parts: { status: 413, title: 'Too many multipart parts', fix: 'send one part per image or field; graft predict and graft push build the form for you' },
  text_too_long: { status: 422, title: 'Text too long', fix: 'shorten the text' },
  too_many_adapters: { status: 422, title: 'Too many adapters', fix: 'ask for fewer adapters per request' },
  not_found: { status: 404, title: 'Not found', fix: 'check the name and the endpoint (GET /docs lists the routes)' },
  method_not_allowed: { status: 405, title: 'Method not allowed', fix: 'use a method GET /docs lists for this route' },
  // Auth and abuse
  unauthorized: {
    status: 401,
    title: 'Unauthorized',
    fix: 'check the credential: --api-key / GRAFT_API_KEY for tenant routes, --admin-token / GRAFT_ADMIN_TOKEN for admin ones',
  },
  rate_limited: { status: 429, title: 'Too many requests', fix: 'wait a minute and retry, or send fewer requests' },
  auth_rate_limited: {
    status: 429,
    title: 'Too many failed authentications',
    fix: 'fix the credential (--api-key / GRAFT_API_KEY, --admin-token / GRAFT_ADMIN_TOKEN), then retry in a minute',
  },
  // Tenants and keys
  tenant_exists: { status: 409, title: 'Tenant already exists', fix: 'pick another name, or issue a key for it: graft keys create --tenant <name>' },
  tenant_not_found: { status: 404, title: 'Tenant not found', fix: 'create it first: graft tenants create <name>' },
  key_not_found: { status: 404, title: 'API key not found', fix: 'use the id printed by graft keys create' },
  // Adapters
  adapter_not_found: { status: 404, title: 'Adapter not found', fix: 'list your adapters: graft adapters list' },
  version_not_found: { status: 404, title: 'Adapter version not found', fix: 'see the versions: graft adapters show <name>' },
  no_live_version: { status: 409, title: 'Adapter has no live version', fix: 'make one live: graft adapters activate <name> --version <n>' },
  invalid_manifest: { status: 422, title: 'Invalid adapter manifest', fix: 'push a folder written by graft train, unchanged' },
  model_digest_mismatch: { status: 422, title: 'Model does not match the manifest digest', fix: 'the folder was edited after training: retrain it with graft train' },
  backbone_unknown: {
    status: 409,
    title: 'Backbone not available on this edge',
    fix: 'this edge lacks the backbone: restart it with npm start (local) or run npm run deploy',
  },
  backbone_mismatch: {
    status: 409,
    title: 'Backbone differs from the one the adapter was trained on',
    fix: 'retrain the adapter against the backbone this edge serves (GET /v1/backbones)',
  },
  backbone_not_found: { status: 404, title: 'Backbone not found', fix: 'list the backbones: GET /v1/backbones' },
  trial_run_failed: { status: 422, title: 'Adapter failed its trial run', fix: 'retrain the adapter with graft train' },
  // Per-tenant quotas and each run's share of the isolate (functions/limits.ts, decision 0043)
  adapter_quota_exceeded: {
    status: 409,
    title: 'Adapter quota reached',
    fix: 'delete adapters you no longer serve (graft adapters list, then graft adapters delete <name>), or push a new version of an existing one',
  },
  version_quota_exceeded: {
    status: 409,
    title: 'Version quota of this adapter reached',
    fix: 'versions are immutable: push under a new name, or delete the adapter (graft adapters delete <name>) and push it again',
  },
  storage_quota_exceeded: {
    status: 409,
    title: 'Storage quota reached',
    fix: 'delete adapters you no longer serve (graft adapters delete <name>), or train smaller heads',
  },
  run_input_too_large: {
    status: 422,
    title: 'Input too large for one model run',
    fix: 'train the head with graft train (its heads read hashed n-grams sparse) or over fewer features; at predict, send fewer or shorter inputs',
  },
  run_deadline_exceeded: { status: 503, title: 'Inference queue too long, retry', fix: 'retry in a second; send smaller batches (graft predict splits them)' },
  // The static ONNX validator (core/onnx/validate-adapter.ts)
  model_too_large: { status: 413, title: 'Adapter model too large', fix: 'train a smaller head (fewer labels or features)' },
  onnx_malformed: { status: 422, title: 'Not a valid ONNX model', fix: VALIDATOR_FIX },
  onnx_truncated: { status: 422, title: 'ONNX model is truncated', fix: VALIDATOR_FIX },
  onnx_field_repeated: { status: 422, title: 'ONNX field given more than once', fix: 'export adapters with graft train; a hand-made file must set each singular protobuf field once' },
  unsupported_ir_version: { status: 422, title: 'Unsupported ONNX IR version', fix: VALIDATOR_FIX },
  unsupported_opset: { status: 422, title: 'Unsupported ONNX opset', fix: VALIDATOR_FIX },
  custom_domain: { status: 422, title: 'Custom operator domains are not allowed', fix: VALIDATOR_FIX },
  functions_not_allowed: { status: 422, title: 'Model-local functions are not allowed', fix: VALIDATOR_FIX },
  operator_not_allowed: { status: 422, title: 'Operator not allowed in adapters', fix: VALIDATOR_FIX },
  subgraph_not_allowed: { status: 422, title: 'Subgraphs are not allowed', fix: VALIDATOR_FIX },
  external_data: { status: 422, title: 'External tensor data is not allowed', fix: VALIDATOR_FIX },
  initializer_too_large: { status: 422, title: 'Initializer too large', fix: VALIDATOR_FIX },
  initializer_invalid: { status: 422, title: 'Invalid initializer', fix: VALIDATOR_FIX },
  dimension_too_large: { status: 422, title: 'Dimension too large', fix: VALIDATOR_FIX },
  intermediate_too_large: { status: 422, title: 'Intermediate tensor too large', fix: VALIDATOR_FIX },
  intermediate_total_too_large: { status: 422, title: 'Intermediate tensors too large in all', fix: 'shrink the head: what it computes for 64 inputs must fit the Limits in the README (graft train heads do)' },
  compute_too_large: { status: 422, title: 'Adapter computes too much per request', fix: 'shrink the head: its arithmetic for 64 inputs must fit the Limits in the README (graft train heads do)' },
  folded_constant_too_large: { status: 422, title: 'Constants computed from initializers too large', fix: 'store the weights the head uses as initializers instead of computing larger constants from them' },
  batch_dim_invalid: {
    status: 422,
    title: 'Batch dimension invalid',
    fix: 'give features and probs the same symbolic first dimension (e.g. N) and compute one row of probs per input row',
  },
  input_mismatch: { status: 422, title: 'Model input does not match the manifest', fix: VALIDATOR_FIX },
  output_mismatch: { status: 422, title: 'Model output does not match the manifest', fix: VALIDATOR_FIX },
  too_many_nodes: { status: 422, title: 'Too many nodes', fix: VALIDATOR_FIX },
  too_many_node_inputs: { status: 422, title: 'Node has too many inputs', fix: 'split the node into nodes with fewer inputs, or export the head with graft train' },
  attribute_repeated: { status: 422, title: 'Node attribute given more than once', fix: 'give each node attribute once, or export the head with graft train' },
  graph_invalid: { status: 422, title: 'Invalid graph', fix: VALIDATOR_FIX },
  // Image inputs (core/image's ImageError codes, one to one) and input kinds
  image_empty: { status: 422, title: 'Empty image', fix: 'send the image file itself; it arrived empty' },
  image_type_unsupported: { status: 415, title: 'Unsupported image type', fix: 'send JPEG or PNG files: convert the image' },
  image_truncated: { status: 422, title: 'Truncated image', fix: 'the file is cut short: copy or export it again' },
  image_corrupt: { status: 422, title: 'Corrupt image', fix: 'the file does not decode: export it again as JPEG or PNG' },
  image_too_large: { status: 413, title: 'Image too large', fix: `recompress or downscale the image to at most ${MAX_IMAGE_BYTES / MiB} MiB` },
  image_too_many_pixels: { status: 422, title: 'Image has too many pixels', fix: `downscale the image to at most ${MAX_IMAGE_PIXELS} pixels (width × height)` },
  image_too_costly: { status: 422, title: 'Image too costly to decode', fix: 'save the image as 8-bit RGB (16-bit PNGs and CMYK JPEGs cost more per pixel), or downscale it' },
  image_too_complex: { status: 422, title: 'Image has too many scans or chunks', fix: 'export the image again as a baseline JPEG or a plain PNG' },
  modality_mismatch: {
    status: 422,
    title: 'Input kind does not match the adapter or backbone',
    fix: 'send images to image adapters and texts to text adapters (graft adapters show <name> names its backbone)',
  },
  // Server side
  backbone_corrupt: {
    status: 500,
    title: 'Backbone artifacts are corrupt',
    fix: "the edge's backbone objects are missing or damaged: upload them again with npm start (local) or npm run deploy",
  },
  adapter_blob_corrupt: {
    status: 500,
    title: 'Adapter model is missing or corrupt in storage',
    fix: 'push the same adapter folder again (graft push <dir>): the upload rewrites the stored model',
  },
  version_conflict: { status: 503, title: 'Could not allocate a version, retry', fix: 'retry the upload' },
  internal_error: { status: 500, title: 'Internal error', fix: 'retry; if it persists, read the edge log (npm start prints it)' },
} as const satisfies { readonly [code: string]: ProblemSpec } & { readonly [code in RaisedInCore]: ProblemSpec };

export type ProblemCode = keyof typeof PROBLEMS;

/** The table as rows, in its order (grouped by area), for listings such as /docs. */
export const PROBLEM_LIST: readonly ({ readonly code: ProblemCode } & ProblemSpec)[] = Object.entries(PROBLEMS).map(([code, spec]) => ({
  code: code as ProblemCode,
  ...spec,
}));

export function isProblemCode(code: string): code is ProblemCode {
  return Object.hasOwn(PROBLEMS, code);
}
