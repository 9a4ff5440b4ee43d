import { normalizeText } from './normalize';

// Runs of letters, combining marks and digits. Punctuation and emoji separate words; GloVe's
// punctuation tokens carry little meaning for classification and SIF would weight them near zero.
const WORD = /[\p{L}\p{M}\p{N}]+/gu;

/** Lower-case word tokens of a text, in order. */
export function tokenize(text: string): string[] {
  return normalizeText(text).match(WORD) ?? [];
}
