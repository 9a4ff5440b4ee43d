/**
 * Every limit the edge enforces against abuse or accident, in one place; those the CLI or
 * `graft deploy` need too are defined in core/ and re-exported here. Each is answered as
 * problem+json (codes in core/problems/problem-codes.ts). Some can be lowered per deployment
 * through wrangler vars; the constants here are ceilings, and the OpenAPI document advertises them.
 */
import { ADAPTER_CACHE_BYTES, adapterCacheBytesFor, limitFromVar } from '../core/limits/edge-limits';
import { API_LIMITS } from '../core/schemas/api';
import { MAX_TEXT_CHARS } from '../core/text/limits';
import type { Env } from './env';

export { ADAPTER_CACHE_BYTES, MAX_TEXT_CHARS };

/** Texts per predict/embed request (422 `too_many_inputs`; the schema in core/schemas/api.ts
 * carries the number). A batch runs on one isolate thread;
 * 64 texts keep a request well under the CPU budget while amortising the per-request overhead. */
export const MAX_BATCH_INPUTS = API_LIMITS.maxBatchInputs;

/** Adapter heads per `POST /v1/predict` (422 `too_many_adapters`): each may load a session. */
export const MAX_ADAPTERS_PER_PREDICT = API_LIMITS.maxAdaptersPerPredict;

/** Largest predict or embed body, JSON or multipart (413 `payload_too_large`); the CLI batches by it too. */
export const MAX_BODY_BYTES = API_LIMITS.maxBodyBytes;

/** Largest adapter ONNX accepted (413 `model_too_large`). A linear head over the 100-d backbone
 * and 2^16 hashed n-grams with 8 labels is ~2 MiB; four times the default LRU still holds 8. */
export const MAX_MODEL_BYTES = 4 * 1024 * 1024;

/** Largest manifest part of an upload (413 `payload_too_large`): metrics with a confusion matrix
 * over many labels is the big part; 256 KiB is generous. */
export const MAX_MANIFEST_BYTES = 256 * 1024;

/** How long an isolate trusts its cached view of which version is live (and of API keys). An
 * activation, delete or upload invalidates it at once in the isolate that served it; other
 * isolates follow within this time. */
export const ALIAS_STALENESS_MS = 2_000;

/** Estimated bytes of resolved adapter versions (manifests included) an isolate keeps for
 * ALIAS_STALENESS_MS (LRU, see serving/adapter-versions.ts). Thousands of typical manifests, or a
 * dozen of the largest (MAX_MANIFEST_BYTES), whatever the number of adapters served. */
export const ADAPTER_VERSIONS_CACHE_BYTES = 4 * 1024 * 1024;

/** How long an isolate trusts its list of backbones (`backbones/<id>/current.json`). Backbones
 * change on deploys, not per request; one R2 list per minute per isolate is cheap. */
export const BACKBONE_CATALOG_TTL_MS = 60_000;

/** Window of the RATE_LIMITER binding (must match `ratelimits[].simple.period` in
 * wrangler.jsonc): the binding does not say when a window ends, so Retry-After is the whole one. */
export const RATE_LIMIT_PERIOD_S = 60;

export interface Limits {
  maxModelBytes: number;
  maxBatchInputs: number;
  adapterCacheBytes: number;
}

/** Deployment vars may lower, never raise, the ceilings the API documents; the cache budget is
 * an operational knob, read by the same rule `graft deploy` budgets with (core/limits/edge-limits.ts). */
export function limitsFor(env: Env): Limits {
  return {
    maxModelBytes: limitFromVar(env.MAX_ADAPTER_BYTES, MAX_MODEL_BYTES),
    maxBatchInputs: limitFromVar(env.MAX_BATCH_INPUTS, MAX_BATCH_INPUTS),
    adapterCacheBytes: adapterCacheBytesFor(env.ADAPTER_CACHE_BYTES),
  };
}
