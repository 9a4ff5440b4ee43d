import { MAX_MANIFEST_BYTES } from '../limits';
import { Problem } from '../problems';

export interface RawUpload {
  manifestText: string;
  model: Uint8Array;
}

/** The two multipart parts, as text and bytes; the body size was already bounded. */
export async function readUpload(request: Request): Promise<RawUpload> {
  const type = request.headers.get('content-type') ?? '';
  if (!/^multipart\/form-data/i.test(type)) {
    throw new Problem('unsupported_media_type', `upload as multipart/form-data with parts "manifest" and "model", not ${type || 'no content type'}`);
  }
  let form: FormData;
  try {
    form = await request.formData();
  } catch (error) {
    throw new Problem('invalid_upload', `unreadable multipart body: ${error instanceof Error ? error.message : String(error)}`);
  }
  // workers-types declares entries as strings only; multipart file parts are Files at run time.
  const manifest = form.get('manifest') as string | Blob | null;
  const model = form.get('model') as string | Blob | null;
  if (manifest === null) throw new Problem('invalid_upload', 'missing part "manifest"');
  if (model === null || typeof model === 'string') throw new Problem('invalid_upload', 'missing file part "model"');
  const manifestText = typeof manifest === 'string' ? manifest : await manifest.text();
  if (manifestText.length > MAX_MANIFEST_BYTES) throw new Problem('payload_too_large', `manifest exceeds ${MAX_MANIFEST_BYTES} bytes`, { limit: MAX_MANIFEST_BYTES });
  return { manifestText, model: new Uint8Array(await model.arrayBuffer()) };
}
