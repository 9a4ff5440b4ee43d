import type { Context, Next } from 'hono';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../env';
import { imageProblemOf } from '../images/image-problems';
import { ImagePredictJson, readJsonImages, readMultipartImages, type ImageRequest } from '../images/read-image-request';
import { Problem } from '../problems';
import { resolveAdapter } from '../serving/adapter-versions';
import { runHeads } from '../serving/run-heads';

function elapsed(start: number): number {
  return Math.round((performance.now() - start) * 1000) / 1000;
}

/** The image request, or undefined when this is a text predict for the JSON route behind. */
async function imageRequest(c: Context<AppEnv>): Promise<ImageRequest | undefined> {
  const type = c.req.header('content-type') ?? '';
  if (type.startsWith('multipart/form-data')) {
    let form: FormData;
    try {
      form = await c.req.formData();
    } catch {
      throw new Problem('invalid_request', 'the multipart body could not be parsed');
    }
    return readMultipartImages(form);
  }
  if (!type.startsWith('application/json')) return undefined;
  // Hono caches the parsed body, so the text route's validator reads it again for free.
  const body: unknown = await c.req.json().catch(() => undefined);
  if (typeof body !== 'object' || body === null || !('images' in body)) return undefined;
  const parsed = ImagePredictJson.safeParse(body);
  if (!parsed.success) throw new Problem('invalid_request', `invalid ${parsed.error.issues[0]!.path.join('.')}: ${parsed.error.issues[0]!.message}`);
  return readJsonImages(parsed.data);
}

/**
 * `POST /v1/adapters/:name/predict` with images: multipart `image` files or JSON
 * `{ images: [base64…] }`. Registered ahead of the text route on the same path; anything
 * else falls through to it. Decoding and preprocessing are core/image's, as in training.
 */
export function registerImagePredict(app: OpenAPIHono<AppEnv>): void {
  app.post('/v1/adapters/:name/predict', async (c: Context<AppEnv>, next: Next) => {
    const start = performance.now();
    const request = await imageRequest(c);
    if (!request) return next();
    const resolved = await resolveAdapter(c.env.DB, c.var.tenant, c.req.param('name')!, request.version);
    try {
      const run = await runHeads(c.env, [resolved], request.images, request.top_k);
      return c.json({ ...run.results[0]!, timings: { total_ms: elapsed(start), features_ms: run.features_ms, head_ms: run.head_ms } }, 200);
    } catch (error) {
      const problem = imageProblemOf(error);
      if (problem) throw new Problem(problem.code, problem.detail, problem.extensions);
      throw error;
    }
  });
}
