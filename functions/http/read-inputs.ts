import type { z } from 'zod';
import { inputBatch, type InputBatch } from '../../core/inputs/input-batch';
import type { Env } from '../env';
import { imageBytes } from '../images/image-bytes';
import { limitsFor, MAX_FORM_PARTS } from '../limits';
import { Problem } from '../problems';
import { problemFromZod } from './validation-hook';

/** What a predict or embed body carries its inputs in: texts or base64 images (JSON), image files (multipart). */
type JsonInputs = { inputs: string[] } | { images: string[] };
interface FormInputs {
  image: Blob[];
}
type InputFields = Partial<{ inputs: string[]; images: string[]; image: Blob[] }>;

/**
 * Where each modality's inputs arrive in a body, and how they become a batch: the schemas
 * (core/schemas/api.ts) bound their count and text sizes; these decode and check each item before
 * anything costly runs. A new modality adds its field here and in the schemas.
 */
const images = async (values: readonly (string | Blob)[]) => inputBatch('image', await imageBytes(values));
const INPUT_FIELDS: Record<keyof InputFields, (values: readonly (string | Blob)[]) => Promise<InputBatch>> = {
  inputs: async (texts) => inputBatch('text', texts as string[]),
  // base64 in JSON, or multipart files
  images,
  image: images,
};


/** The body's other fields (adapters, top_k, …), common to its JSON and multipart forms. */
type Rest<T> = T extends unknown ? Omit<T, keyof InputFields> : never;

/** The body's other fields and its inputs, as one batch of one modality. */
export type InputsRequest<T> = Rest<T> & { batch: InputBatch };

const JSON_TYPE = /^application\/([\w.-]+\+)?json$/;

function validate<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw problemFromZod(result.error, 'request body', input);
  return result.data;
}

async function jsonOf(request: Request): Promise<unknown> {
  try {
    return await request.json();
  } catch {
    throw new Problem('invalid_request', 'the body is not valid JSON');
  }
}

const BOUNDARY = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i;

const tooManyParts = () => new Problem('too_many_parts', `the multipart body has more than ${MAX_FORM_PARTS} parts`, { limit: MAX_FORM_PARTS });

/** Delimiters ("--" and the boundary) in a multipart body, counted on its bytes up to `most`:
 * every part starts with one, and the closing delimiter is one more. */
function delimitersIn(body: Uint8Array, boundary: string, most: number): number {
  const delimiter = new TextEncoder().encode(`--${boundary}`);
  let count = 0;
  for (let at = body.indexOf(delimiter[0]!); at >= 0 && count < most; at = body.indexOf(delimiter[0]!, at + 1)) {
    let k = 1;
    while (k < delimiter.length && body[at + k] === delimiter[k]) k++;
    if (k === delimiter.length) {
      count++;
      at += k - 1;
    }
  }
  return count;
}

/**
 * Form fields as an object: a field sent once is a value, one sent several times an array, in one
 * pass over at most MAX_FORM_PARTS parts (a getAll per distinct name was quadratic in the parts).
 */
function formFields(form: FormData): Record<string, unknown> {
  const fields = new Map<string, unknown[]>();
  let parts = 0;
  for (const [key, value] of form.entries()) {
    if (++parts > MAX_FORM_PARTS) throw tooManyParts();
    const values = fields.get(key);
    if (values) values.push(value);
    else fields.set(key, [value]);
  }
  return Object.fromEntries([...fields].map(([key, values]) => [key, values.length === 1 ? values[0] : values]));
}

/**
 * The fields of a multipart body (predict, embed and upload forms; its size already bounded). The
 * parts are counted on the raw bytes first: workerd's parser spends some 20 µs on each, and empty
 * ones fit by the tens of thousands in a body, so the count must be refused before it parses.
 */
export async function readForm(request: Request, unreadable: (error: unknown) => Problem): Promise<Record<string, unknown>> {
  const type = request.headers.get('content-type') ?? '';
  const body = new Uint8Array(await request.arrayBuffer());
  const boundary = BOUNDARY.exec(type);
  if (boundary && delimitersIn(body, boundary[1] ?? boundary[2]!, MAX_FORM_PARTS + 2) > MAX_FORM_PARTS + 1) throw tooManyParts();
  let form: FormData;
  try {
    form = await new Response(body, { headers: { 'content-type': type } }).formData();
  } catch (error) {
    throw unreadable(error);
  }
  return formFields(form);
}

const fieldsOf = (request: Request) => readForm(request, () => new Problem('invalid_request', 'the multipart body could not be parsed'));

/** Deployments may lower the batch ceiling the schemas enforce. */
function checkBatch(env: Env, count: number): void {
  const { maxBatchInputs } = limitsFor(env);
  if (count > maxBatchInputs) throw new Problem('too_many_inputs', `at most ${maxBatchInputs} inputs per request`, { limit: maxBatchInputs });
}

/**
 * The body of `POST /v1/adapters/:name/predict`, `/v1/predict` and `/v1/embed`, validated with the
 * schemas the OpenAPI document shows for its media type: JSON texts, JSON base64 images or
 * multipart `image` files. Images come back as their encoded bytes, each checked for size and type.
 */
export async function readInputs<J extends z.ZodType<JsonInputs>, F extends z.ZodType<FormInputs>>(
  request: Request,
  env: Env,
  schemas: { json: J; form: F },
): Promise<InputsRequest<z.output<J> | z.output<F>>> {
  const type = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  let body: JsonInputs | FormInputs;
  if (type === 'multipart/form-data') body = validate(schemas.form, await fieldsOf(request));
  else if (JSON_TYPE.test(type)) {
    const raw = await jsonOf(request);
    // Each alternative of the schema would strip the other's key and serve half the request.
    if (typeof raw === 'object' && raw !== null && Object.keys(INPUT_FIELDS).filter((field) => field in raw).length > 1) {
      throw new Problem('invalid_request', 'send either "inputs" (texts) or "images" (base64 images) in one request, not both');
    }
    body = validate(schemas.json, raw);
  }
  else throw new Problem('unsupported_media_type', `send application/json, or multipart/form-data with \`image\` file parts, not ${type || 'a body without a content type'}`);
  const { inputs, images, image, ...rest } = body as InputFields;
  // The schemas let exactly one input field through.
  const [field, values] = Object.entries({ inputs, images, image }).find(([, v]) => v !== undefined) as [keyof InputFields, (string | Blob)[]];
  checkBatch(env, values.length);
  const batch = await INPUT_FIELDS[field](values);
  return { ...rest, batch } as InputsRequest<z.output<J> | z.output<F>>;
}
