/** 32-bit FNV-1a over UTF-16 code units: tiny, fast, identical in every JavaScript runtime. */
export const FNV_OFFSET = 0x811c9dc5;

/** Continues a hash over `text`, so a key made of several strings hashes without being built. */
export function fnvUpdate(hash: number, text: string): number {
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash;
}
