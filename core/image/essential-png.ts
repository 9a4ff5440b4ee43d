import type { PngHeader } from './png-header';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** The PNG with only its essential chunks (readPngHeader): the file itself when it has no others. */
export function essentialPng(bytes: Uint8Array, header: Pick<PngHeader, 'essential'>): Uint8Array {
  const size = header.essential.reduce((n, chunk) => n + chunk.length, SIGNATURE.length);
  if (size === bytes.length) return bytes;
  const out = new Uint8Array(size);
  out.set(SIGNATURE);
  let at = SIGNATURE.length;
  for (const chunk of header.essential) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}
