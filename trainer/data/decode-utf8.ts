import { UsageError } from '../cli/usage-error';

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Strict UTF-8: a mis-encoded file fails loudly instead of training on U+FFFD. */
export function decodeUtf8(bytes: Uint8Array, name: string): string {
  try {
    return decoder.decode(bytes);
  } catch {
    const offset = firstInvalidByte(bytes);
    let line = 1;
    for (let i = 0; i < offset; i++) if (bytes[i] === 10) line++;
    throw new UsageError(
      `${name} is not valid UTF-8 (byte offset ${offset}, line ${line})`,
      're-save the file as UTF-8 (for example `iconv -f latin1 -t utf-8`)',
    );
  }
}

/** Only runs after the decoder has refused, to say where: the decoder itself does not. */
export function firstInvalidByte(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    const size = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (size === 0) return i;
    // The second byte's range rules out overlongs, surrogates and code points past U+10FFFF.
    let min = b === 0xe0 ? 0xa0 : b === 0xf0 ? 0x90 : 0x80;
    let max = b === 0xed ? 0x9f : b === 0xf4 ? 0x8f : 0xbf;
    for (let k = 1; k < size; k++) {
      const c = bytes[i + k];
      if (c === undefined || c < min || c > max) return i;
      min = 0x80;
      max = 0xbf;
    }
    i += size;
  }
  return bytes.length;
}
