/**
 * Word → id lookup for a text backbone. Id 0 is reserved for padding and unknown words (its
 * embedding row and SIF weight are zero), so word i of the vocabulary file has id i + 1.
 */
export class Vocabulary {
  readonly size: number;
  private readonly ids: Map<string, number>;

  constructor(words: readonly string[]) {
    this.ids = new Map();
    words.forEach((word, i) => {
      if (!this.ids.has(word)) this.ids.set(word, i + 1);
    });
    this.size = words.length;
  }

  /** One word per line, as written by the backbone builder. */
  static parse(text: string): Vocabulary {
    const words = text.split('\n');
    if (words.at(-1) === '') words.pop();
    return new Vocabulary(words);
  }

  /** The id of a word, or 0 when it is not in the vocabulary. */
  id(word: string): number {
    return this.ids.get(word) ?? 0;
  }
}
