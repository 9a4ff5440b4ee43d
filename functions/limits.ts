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

/** Parts of a multipart body, predict, embed or upload (413 `too_many_parts`). Tiny parts fit by
 * the tens of thousands in MAX_BODY_BYTES; a legitimate form has at most 8 images, 8 adapters and
 * 2 options (an upload: 2 parts), and 64 leaves room for more images to be refused by their count. */
export const MAX_FORM_PARTS = 64;

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

/** Window of the AUTH_FAILURES binding (must match its `period` in wrangler.jsonc), which allows
 * each client address 30 refused credentials a window (429 `auth_rate_limited`): every refused
 * well-formed key cost a D1 read or a hash. An address over it is refused, before either, for the
 * rest of the window in each isolate that saw it; Retry-After is the whole window. */
export const AUTH_FAILURE_PERIOD_S = 60;

/** Addresses over AUTH_FAILURES an isolate remembers (LRU, about 100 bytes each): a botnet cannot
 * grow it, and one forgotten costs one more D1 read before it is refused again. */
export const BLOCKED_ADDRESSES_MAX = 10_000;

/** An adapter blob younger than this (its R2 `uploaded` time) is never collected as an orphan
 * (functions/storage/collect-orphans.ts): an upload writes its blob and commits its version within
 * one request, seconds apart; a day leaves that commit, retries and clock skew a wide margin. */
export const ORPHAN_GRACE_MS = 24 * 60 * 60 * 1000;

/** An upload skips rewriting an existing blob whose sha256 matches only while the blob is younger
 * than this; an older one is rewritten, which refreshes `uploaded`, so the collector (which waits
 * ORPHAN_GRACE_MS) cannot take a blob that an upload is about to commit a version against. */
export const BLOB_REUSE_MAX_AGE_MS = ORPHAN_GRACE_MS / 2;

/** Keys per R2 list page the collector reads (R2's maximum); a page costs one list, one D1 read
 * and at most one batched delete. The `ORPHAN_LIST_KEYS` var may lower it. */
export const ORPHAN_LIST_KEYS = 1000;

/** Pages one scheduled run reads, so a run costs at most 10 lists, 10 D1 reads and 10 deletes
 * however large the bucket; the next run resumes after the last key (hourly: 240,000 keys a day).
 * The `ORPHAN_PAGES_PER_RUN` var may lower it. */
export const ORPHAN_PAGES_PER_RUN = 10;

/** Share of the adapter cache a tenant keeps against the others (serving/adapter-cache.ts): past
 * a quarter of ADAPTER_CACHE_BYTES a tenant's loads evict only its own heads, so one tenant cycling
 * through many large heads cannot empty the cache of everyone else's. Alone, a tenant still fills
 * the whole cache. */
export const ADAPTER_CACHE_TENANT_SHARE = 0.25;

/** Most input bytes one ONNX Runtime run takes (422 `run_input_too_large`): an ORT head's dense
 * input at the maximum batch (rows × feature width × 4) is checked at upload, and every run's feeds
 * before ORT copies them into its wasm heap, which keeps its high-water mark for the isolate's
 * life. 64 rows of 32,768 features; an image backbone run (one 224 × 224 RGB row) takes 0.6 MB. */
export const MAX_RUN_INPUT_BYTES = 8 * 1024 * 1024;

/** How long a request's ORT runs may still start, from when it begins computing features and
 * heads (503 `run_deadline_exceeded`): its queued runs are dropped at once and later ones refused;
 * a run already started finishes (ORT-web cannot be interrupted; decision 0043). Runs take turns by
 * tenant, so only an isolate shared by many busy tenants comes near it. The `RUN_DEADLINE_MS` var
 * may lower it. */
export const RUN_DEADLINE_MS = 10_000;

/** Adapters (not deleted) per tenant (409 `adapter_quota_exceeded`): each is D1 rows, R2 blobs and,
 * when used, cache entries; 10,000 from one tenant through one isolate is the tested scale
 * (test/worker/ten-thousand-adapters). The `MAX_ADAPTERS_PER_TENANT` var may lower it. */
export const MAX_ADAPTERS_PER_TENANT = 10_000;

/** Servable versions per adapter (409 `version_quota_exceeded`): versions are immutable, and
 * `GET /v1/adapters/:name` reads every one with its manifest (100 × 256 KiB at most). Deleting the
 * adapter frees them. The `MAX_VERSIONS_PER_ADAPTER` var may lower it. */
export const MAX_VERSIONS_PER_ADAPTER = 100;

/** Bytes a tenant stores (409 `storage_quota_exceeded`): the model blob (R2) and manifest (D1) of
 * every version that can still serve; a delete frees its adapter's. 256 models of the largest size,
 * or thousands of typical heads. The `MAX_TENANT_STORED_BYTES` var may lower it. */
export const MAX_TENANT_STORED_BYTES = 1024 * 1024 * 1024;

/** What one tenant may hold, checked at upload (functions/stores/adapters-store.ts). */
export interface Quotas {
  maxAdapters: number;
  maxVersionsPerAdapter: number;
  maxStoredBytes: number;
}

export interface Limits {
  maxModelBytes: number;
  maxBatchInputs: number;
  adapterCacheBytes: number;
  runDeadlineMs: number;
  quotas: Quotas;
}

/** Deployment vars may lower, never raise, the ceilings the API documents; the cache budget is
 * an operational knob, read by the same rule `graft deploy` budgets with (core/limits/edge-limits.ts). */
export function limitsFor(env: Env): Limits {
  return {
    maxModelBytes: limitFromVar(env.MAX_ADAPTER_BYTES, MAX_MODEL_BYTES),
    maxBatchInputs: limitFromVar(env.MAX_BATCH_INPUTS, MAX_BATCH_INPUTS),
    adapterCacheBytes: adapterCacheBytesFor(env.ADAPTER_CACHE_BYTES),
    runDeadlineMs: limitFromVar(env.RUN_DEADLINE_MS, RUN_DEADLINE_MS),
    quotas: {
      maxAdapters: limitFromVar(env.MAX_ADAPTERS_PER_TENANT, MAX_ADAPTERS_PER_TENANT),
      maxVersionsPerAdapter: limitFromVar(env.MAX_VERSIONS_PER_ADAPTER, MAX_VERSIONS_PER_ADAPTER),
      maxStoredBytes: limitFromVar(env.MAX_TENANT_STORED_BYTES, MAX_TENANT_STORED_BYTES),
    },
  };
}
