/**
 * Canonical form of a text before tokenization: NFKC folds compatibility characters (full-width
 * letters, ligatures) into the forms the word vectors were trained on; lower case matches the
 * uncased GloVe vocabulary.
 */
export function normalizeText(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}
