import { z } from 'zod';
import { MAX_TEXT_CHARS } from '../text/limits';
import { AdapterManifest } from './adapter-manifest';
import { BackboneId, Sha256, Slug } from './common';

/**
 * HTTP request and response bodies of the edge API. Plain zod with `.meta()` descriptions: the
 * worker validates with these and generates /openapi.json from them; Node clients reuse them.
 * Numeric ceilings here are the edge's documented limits (functions/limits.ts re-exports them).
 */
export const API_LIMITS = {
  maxBatchInputs: 64,
  maxAdaptersPerPredict: 8,
  maxTextChars: MAX_TEXT_CHARS,
  maxTopK: 1000,
} as const;

export const Texts = z
  .array(z.string().max(API_LIMITS.maxTextChars))
  .min(1)
  .max(API_LIMITS.maxBatchInputs)
  .meta({ description: `1 to ${API_LIMITS.maxBatchInputs} texts of at most ${API_LIMITS.maxTextChars} UTF-16 code units each` });

export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string().meta({ description: 'stable machine-readable error code' }),
  })
  .loose()
  .meta({ description: 'RFC 9457 problem details (application/problem+json)' });

// --- tenants and keys (admin) ---

export const CreateTenantBody = z.object({ name: Slug.meta({ description: 'tenant id, used in storage keys' }) });
export const Tenant = z.object({ id: Slug, created_at: z.string() });

export const CreateKeyBody = z.object({ label: z.string().max(200).optional() });
export const CreatedKey = z.object({
  id: z.string(),
  tenant: Slug,
  key: z.string().meta({ description: 'the API key; shown only in this response, stored as its SHA-256' }),
  prefix: z.string().meta({ description: 'public part of the key, safe to display' }),
  label: z.string().nullable(),
  created_at: z.string(),
});

// --- adapters ---

export const UploadResult = z.object({
  adapter: Slug,
  version: z.number().int().positive(),
  sha256: Sha256,
  bytes: z.number().int().positive(),
  live: z.boolean().meta({ description: 'whether this version now serves predictions' }),
});

export const VersionInfo = z.object({
  version: z.number().int().positive(),
  sha256: Sha256,
  bytes: z.number().int().positive(),
  created_at: z.string(),
  live: z.boolean(),
});

export const AdapterSummary = z.object({
  name: Slug,
  live_version: z.number().int().positive().nullable(),
  latest_version: z.number().int().positive(),
  created_at: z.string(),
  updated_at: z.string(),
});
export const AdapterList = z.object({ adapters: z.array(AdapterSummary) });

export const AdapterDetail = AdapterSummary.extend({
  manifest: AdapterManifest.nullable().meta({ description: 'manifest of the live version (else the latest)' }),
  versions: z.array(VersionInfo),
});

export const ActivateBody = z.object({ version: z.number().int().positive() });
export const ActivateResult = z.object({ adapter: Slug, version: z.number().int().positive(), previous: z.number().int().positive().nullable() });

// --- predictions ---

export const TopK = z.number().int().min(1).max(API_LIMITS.maxTopK).meta({ description: 'also return the k highest scores per input' });

export const PredictBody = z.object({
  inputs: Texts,
  top_k: TopK.optional(),
  version: z.number().int().positive().optional().meta({ description: 'pin a version instead of the live one' }),
});

export const Prediction = z.object({
  label: z.string().meta({ description: 'the most probable label' }),
  score: z.number(),
  labels: z.array(z.string()).optional().meta({ description: 'multilabel adapters: every label whose probability ≥ threshold (default 0.5)' }),
  scores: z.record(z.string(), z.number()).optional().meta({ description: 'the top_k labels and their probabilities, when top_k is given' }),
});

export const BackboneRef = z.object({ id: BackboneId, sha256: Sha256 });

export const Timings = z.object({ total_ms: z.number(), features_ms: z.number(), head_ms: z.number() });

export const AdapterPredictions = z.object({
  adapter: Slug,
  version: z.number().int().positive(),
  backbone: BackboneRef.nullable().meta({ description: 'the backbone of the first backbone feature block; null for lexical-only adapters' }),
  predictions: z.array(Prediction),
});

export const PredictResult = AdapterPredictions.extend({ timings: Timings });

export const AdapterRef = z.union([Slug, z.object({ name: Slug, version: z.number().int().positive().optional() })]);

export const MultiPredictBody = z.object({
  adapters: z.array(AdapterRef).min(1).max(API_LIMITS.maxAdaptersPerPredict),
  inputs: Texts,
  top_k: TopK.optional(),
});
export const MultiPredictResult = z.object({ results: z.array(AdapterPredictions), timings: Timings });

export const EmbedBody = z.object({ backbone: BackboneId, inputs: Texts });
export const EmbedResult = z.object({
  backbone: BackboneRef.extend({ dim: z.number().int().positive() }),
  embeddings: z.array(z.array(z.number())),
  timings: z.object({ total_ms: z.number(), features_ms: z.number() }),
});

export const BackboneInfo = z.object({
  id: BackboneId,
  version: z.string(),
  modality: z.enum(['text', 'image']),
  sha256: Sha256,
  dim: z.number().int().positive(),
  inputs: z.array(z.object({ name: z.string(), dtype: z.string() })),
  loaded: z.boolean().meta({ description: 'whether this isolate holds it in memory' }),
});
export const BackboneList = z.object({ backbones: z.array(BackboneInfo) });

export const Health = z.object({
  ok: z.literal(true),
  runtime_loaded: z.boolean(),
  backbones: z.array(BackboneRef).meta({ description: 'backbones loaded in this isolate' }),
  adapters_cached: z.number().int().nonnegative(),
  adapter_cache_bytes: z.number().int().nonnegative(),
  adapter_cache_hits: z.number().int().nonnegative().meta({ description: 'adapter lookups served from this isolate since it started' }),
  adapter_cache_misses: z.number().int().nonnegative().meta({ description: 'adapter lookups that read R2 (or waited on a read)' }),
  ort_heap_bytes: z.number().int().nonnegative().meta({ description: "ONNX Runtime's wasm heap in this isolate (0 before it loads); it never shrinks" }),
});
