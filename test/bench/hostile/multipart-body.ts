import { concatBytes } from '../../helpers/concat-bytes';

/** One form part: a file when it has a filename, else a text field. */
export interface FormPart {
  name: string;
  data: Uint8Array | string;
  filename?: string;
  type?: string;
}

const BOUNDARY = 'graft-hostile-7c1f';
const encoder = new TextEncoder();

/** multipart/form-data by hand, so the fuzzer can send parts in any number, order or repetition. */
export function multipartBody(parts: readonly FormPart[]): { body: Uint8Array; type: string } {
  const encoded = parts.map((part) => {
    const file = part.filename === undefined ? '' : `; filename="${part.filename}"`;
    const type = part.type ? `\r\ncontent-type: ${part.type}` : '';
    const head = encoder.encode(`--${BOUNDARY}\r\ncontent-disposition: form-data; name="${part.name}"${file}${type}\r\n\r\n`);
    return concatBytes(head, typeof part.data === 'string' ? encoder.encode(part.data) : part.data, encoder.encode('\r\n'));
  });
  return { body: concatBytes(...encoded, encoder.encode(`--${BOUNDARY}--\r\n`)), type: `multipart/form-data; boundary=${BOUNDARY}` };
}
