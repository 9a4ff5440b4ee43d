/**
 * Limits shared by the trainer and the edge, so a text the trainer accepts is one the edge serves.
 */

/** Longest text accepted, in UTF-16 code units. Long enough for a long e-mail or article; past it,
 * the backbone's bag of words changes little while tokenization cost keeps growing. */
export const MAX_TEXT_CHARS = 100_000;

/** Most distinct labels one adapter may have: a head's output layer and the manifest stay small. */
export const MAX_LABELS = 1_000;

/** Most distinct in-vocabulary tokens fed to the text backbone per text (first occurrences win).
 * The backbone reads a bag of ids with counts, so this bounds its input width, not the text length. */
export const MAX_DISTINCT_TOKENS = 4_096;
