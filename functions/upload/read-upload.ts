import { readForm } from '../http/read-inputs';
import { MAX_MANIFEST_BYTES } from '../limits';
import { Problem } from '../problems';

export interface RawUpload {
  manifestText: string;
  model: Uint8Array;
}

/** The two multipart parts, as text and bytes; the body size was already bounded, and readForm
 * bounds the number of parts. */
export async function readUpload(request: Request): Promise<RawUpload> {
  const type = request.headers.get('content-type') ?? '';
  if (!/^multipart\/form-data/i.test(type)) {
    throw new Problem('unsupported_media_type', `upload as multipart/form-data with parts "manifest" and "model", not ${type || 'no content type'}`);
  }
  const fields = await readForm(request, (error) => new Problem('invalid_upload', `unreadable multipart body: ${error instanceof Error ? error.message : String(error)}`));
  // workers-types declares entries as strings only; multipart file parts are Files at run time.
  const { manifest, model } = fields as Record<string, string | Blob | (string | Blob)[] | undefined>;
  if (Array.isArray(manifest) || Array.isArray(model)) throw new Problem('invalid_upload', 'send one "manifest" part and one "model" part');
  if (manifest === undefined) throw new Problem('invalid_upload', 'missing part "manifest"');
  if (model === undefined || typeof model === 'string') throw new Problem('invalid_upload', 'missing file part "model"');
  const manifestText = typeof manifest === 'string' ? manifest : await manifest.text();
  if (manifestText.length > MAX_MANIFEST_BYTES) throw new Problem('payload_too_large', `manifest exceeds ${MAX_MANIFEST_BYTES} bytes`, { limit: MAX_MANIFEST_BYTES });
  return { manifestText, model: new Uint8Array(await model.arrayBuffer()) };
}
