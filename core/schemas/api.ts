import { z } from 'zod';
import { MAX_IMAGE_BYTES, MAX_IMAGE_PIXELS } from '../image/image-limits';
import { MODALITIES } from '../inputs/input-batch';
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
  /** Each image is decoded at full size (at most MAX_DECODE_BYTES, 28 MiB, transient) one after another
   * and run through the backbone at batch 1, so the count bounds CPU time, not memory: 8 × ~75 ms
   * of backbone stays well inside a request's CPU budget. */
  maxImagesPerRequest: 8,
  maxImageBytes: MAX_IMAGE_BYTES,
  maxImagePixels: MAX_IMAGE_PIXELS,
  /** Largest predict or embed body, JSON or multipart, images included. */
  maxBodyBytes: 8 * 1024 * 1024,
  maxAdaptersPerPredict: 8,
  maxTextChars: MAX_TEXT_CHARS,
  maxTopK: 1000,
} as const;

export const Texts = z
  .array(z.string().max(API_LIMITS.maxTextChars))
  .min(1)
  .max(API_LIMITS.maxBatchInputs)
  .meta({ description: `1 to ${API_LIMITS.maxBatchInputs} texts of at most ${API_LIMITS.maxTextChars} UTF-16 code units each` });

const IMAGE_RULES = `JPEG or PNG, at most ${API_LIMITS.maxImageBytes} bytes and ${API_LIMITS.maxImagePixels} pixels (as its header declares them) each; at most ${API_LIMITS.maxBodyBytes} bytes per request in all`;

/** Images inside a JSON body. */
export const Base64Images = z
  .array(z.string().min(1))
  .min(1)
  .max(API_LIMITS.maxImagesPerRequest)
  .meta({ description: `1 to ${API_LIMITS.maxImagesPerRequest} base64-encoded images (data: URLs accepted): ${IMAGE_RULES}` });

/** A multipart form field sent once arrives as a value, sent several times as an array. */
const repeated = <T extends z.ZodType>(item: T, max: number) =>
  z.preprocess((value) => (value === undefined || Array.isArray(value) ? value : [value]), z.array(item).min(1).max(max));

/** Form fields are text: numbers are parsed before the JSON body's own schema checks them. */
const numberField = <T extends z.ZodType<number>>(schema: T) =>
  z.preprocess((value) => (typeof value === 'string' && value.trim() !== '' ? Number(value) : value), schema);

/** Images as multipart file parts, one `image` part per image. */
const ImageFile = z.instanceof(Blob, { message: 'expected a file part, not a text field' }).meta({ type: 'string', format: 'binary' });
export const ImageFiles = repeated(ImageFile, API_LIMITS.maxImagesPerRequest).meta({
  description: `1 to ${API_LIMITS.maxImagesPerRequest} \`image\` file parts: ${IMAGE_RULES}`,
});

/** What a predict or embed JSON body must carry, when it carries neither. */
const INPUT_KINDS = { error: 'send "inputs" (texts) or "images" (base64 images)' };

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

const PinnedVersion = z.number().int().positive().meta({ description: 'pin a version instead of the live one' });

const PredictOptions = z.object({ top_k: TopK.optional(), version: PinnedVersion.optional() });

/** Texts or base64 images for one adapter, as JSON. */
export const PredictBody = z.union([PredictOptions.extend({ inputs: Texts }), PredictOptions.extend({ images: Base64Images })], INPUT_KINDS);

/** Image files for one adapter, as multipart/form-data. */
export const PredictForm = z.object({ image: ImageFiles, top_k: numberField(TopK).optional(), version: numberField(PinnedVersion).optional() });

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

const PinnedAdapter = z.object({ name: Slug, version: z.number().int().positive().optional() });
export const AdapterRef = z.union([Slug, PinnedAdapter]);

const MultiPredictOptions = z.object({ adapters: z.array(AdapterRef).min(1).max(API_LIMITS.maxAdaptersPerPredict), top_k: TopK.optional() });

/** Texts or base64 images for several adapters, as JSON. */
export const MultiPredictBody = z.union([MultiPredictOptions.extend({ inputs: Texts }), MultiPredictOptions.extend({ images: Base64Images })], INPUT_KINDS);

/** `name` or `name@version`, in a form field. */
const AdapterField = z
  .string()
  .transform((field) => {
    const at = field.lastIndexOf('@');
    return at < 0 ? { name: field } : { name: field.slice(0, at), version: Number(field.slice(at + 1)) };
  })
  .pipe(PinnedAdapter)
  .meta({ description: 'an adapter name, or name@version to pin a version' });

/** Image files for several adapters, as multipart/form-data. */
export const MultiPredictForm = z.object({
  adapters: repeated(AdapterField, API_LIMITS.maxAdaptersPerPredict).meta({ description: `1 to ${API_LIMITS.maxAdaptersPerPredict} \`adapters\` fields, one per adapter` }),
  image: ImageFiles,
  top_k: numberField(TopK).optional(),
});

export const MultiPredictResult = z.object({ results: z.array(AdapterPredictions), timings: Timings });

/** Texts for a text backbone or base64 images for an image backbone, as JSON. */
export const EmbedBody = z.union([z.object({ backbone: BackboneId, inputs: Texts }), z.object({ backbone: BackboneId, images: Base64Images })], INPUT_KINDS);

/** Image files for an image backbone, as multipart/form-data. */
export const EmbedForm = z.object({ backbone: BackboneId, image: ImageFiles });

export const EmbedResult = z.object({
  backbone: BackboneRef.extend({ dim: z.number().int().positive() }),
  embeddings: z.array(z.array(z.number())),
  timings: z.object({ total_ms: z.number(), features_ms: z.number() }),
});

export const BackboneInfo = z.object({
  id: BackboneId,
  version: z.string(),
  modality: z.enum(MODALITIES),
  sha256: Sha256,
  dim: z.number().int().positive(),
  inputs: z.array(z.object({ name: z.string(), dtype: z.string() })),
  loaded: z.boolean().meta({ description: 'whether this isolate holds it in memory' }),
});
export const BackboneList = z.object({ backbones: z.array(BackboneInfo) });

export const Health = z.object({
  ok: z.literal(true),
  runtime_loaded: z.boolean(),
  backbones: z.array(BackboneRef).meta({ description: 'backbones loaded in this isolate, text and image' }),
  adapters_cached: z.number().int().nonnegative(),
  adapter_cache_bytes: z.number().int().nonnegative(),
  adapter_cache_hits: z.number().int().nonnegative().meta({ description: 'adapter lookups served from this isolate since it started' }),
  adapter_cache_misses: z.number().int().nonnegative().meta({ description: 'adapter lookups that read R2 (or waited on a read)' }),
  ort_heap_bytes: z.number().int().nonnegative().meta({ description: "ONNX Runtime's wasm heap in this isolate (0 before it loads); it never shrinks" }),
});
