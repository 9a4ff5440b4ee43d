import { API_LIMITS } from '../../core/schemas/api';

/** What the user can do about each stable problem `code` the edge returns (functions/problems.ts). */
const FIXES: Record<string, string> = {
  unauthorized: 'check the credential: --api-key / GRAFT_API_KEY for tenant routes, --admin-token / GRAFT_ADMIN_TOKEN for admin ones',
  rate_limited: 'wait a minute and retry, or send fewer requests',
  tenant_exists: 'pick another name, or issue a key for it: graft keys create --tenant <name>',
  tenant_not_found: 'create it first: graft tenants create <name>',
  key_not_found: 'use the id printed by graft keys create',
  adapter_not_found: 'list your adapters: graft adapters list',
  version_not_found: 'see the versions: graft adapters show <name>',
  no_live_version: 'make one live: graft adapters activate <name> --version <n>',
  invalid_manifest: 'push a folder written by graft train, unchanged',
  model_digest_mismatch: 'the folder was edited after training: retrain it with graft train',
  backbone_unknown: 'this edge lacks the backbone: restart it with npm start (local) or run npm run deploy',
  backbone_mismatch: 'retrain the adapter against the backbone this edge serves (GET /v1/backbones)',
  backbone_not_found: 'list the backbones: GET /v1/backbones',
  trial_run_failed: 'retrain the adapter with graft train',
  too_many_inputs: 'send fewer inputs per request (graft predict splits batches for you)',
  text_too_long: 'shorten the text',
  too_many_adapters: 'ask for fewer adapters per request',
  payload_too_large: 'send a smaller body',
  model_too_large: 'train a smaller head (fewer labels or features)',
  unsupported_media_type: 'send JSON, or multipart/form-data for uploads and image files',
  version_conflict: 'retry the upload',
  image_empty: 'send the image file itself; it arrived empty',
  image_type_unsupported: 'send JPEG or PNG files: convert the image',
  image_truncated: 'the file is cut short: copy or export it again',
  image_corrupt: 'the file does not decode: export it again as JPEG or PNG',
  image_too_large: `recompress or downscale the image to at most ${API_LIMITS.maxImageBytes / 1024 / 1024} MiB`,
  image_too_many_pixels: `downscale the image to at most ${API_LIMITS.maxImagePixels} pixels (width × height)`,
  modality_mismatch: 'send images to image adapters and texts to text adapters (graft adapters show <name> names its backbone)',
};

/** Codes the static ONNX validator returns: all mean the file is not an adapter the edge will run. */
const VALIDATOR_FIX = 'export adapters with graft train; hand-made ONNX must pass the adapter validator';

export function fixFor(code: string | undefined, status: number): string {
  if (code && FIXES[code]) return FIXES[code];
  if (status === 422 || status === 413) return VALIDATOR_FIX;
  if (status >= 500) return 'retry; if it persists, read the edge log (npm start prints it)';
  if (status === 404) return 'check the name and the endpoint';
  return 'check the request: graft <command> --help';
}
