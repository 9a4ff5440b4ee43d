import { FNV_OFFSET, fnvUpdate } from '../hash/fnv1a';

// A slot of the table: [hash, id, offset of the word in `chars`, its length]; id 0 marks it empty.
const SLOT = 4;

// As an int32, the type the table stores.
const hashOf = (word: string) => fnvUpdate(FNV_OFFSET, word) | 0;

/**
 * Word → id lookup for a text backbone. Id 0 is reserved for padding and unknown words (its
 * embedding row and SIF weight are zero), so word i of the vocabulary file has id i + 1; a word
 * listed twice keeps its first id.
 *
 * An open-addressing table over one array of code units rather than a Map of strings: a lookup
 * reads one slot (hash, id and where the word's characters are) and those characters, two cache
 * lines where a Map reads three, and the words take a fraction of the memory of 40,000 strings.
 * Serving looks up every token of every text, mostly with caches cold from the request's other
 * work, so those misses were most of the backbone's time at the edge.
 */
export class Vocabulary {
  readonly size: number;
  private readonly chars: Uint16Array;
  private readonly slots: Int32Array;
  private readonly mask: number;

  constructor(words: readonly string[]) {
    this.size = words.length;
    let capacity = 16;
    // At most two thirds full, so a probe for an unknown word ends within a few slots.
    while (capacity * 2 < words.length * 3) capacity *= 2;
    this.mask = capacity - 1;
    this.slots = new Int32Array(capacity * SLOT);
    this.chars = new Uint16Array(words.reduce((sum, word) => sum + word.length, 0));
    let offset = 0;
    words.forEach((word, i) => {
      const slot = this.find(word);
      // Taken: the word was listed before, and keeps its first id.
      if (this.slots[slot * SLOT + 1] !== 0) return;
      for (let c = 0; c < word.length; c++) this.chars[offset + c] = word.charCodeAt(c);
      const at = slot * SLOT;
      this.slots[at] = hashOf(word);
      this.slots[at + 1] = i + 1;
      this.slots[at + 2] = offset;
      this.slots[at + 3] = word.length;
      offset += word.length;
    });
  }

  /** One word per line, as written by the backbone builder. */
  static parse(text: string): Vocabulary {
    const words = text.split('\n');
    if (words.at(-1) === '') words.pop();
    return new Vocabulary(words);
  }

  /** The id of a word, or 0 when it is not in the vocabulary. */
  id(word: string): number {
    return this.slots[this.find(word) * SLOT + 1]!;
  }

  /** The slot holding `word`, or the empty slot where it would go. */
  private find(word: string): number {
    const { slots, chars, mask } = this;
    const hash = hashOf(word);
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const at = slot * SLOT;
      if (slots[at + 1] === 0) return slot;
      if (slots[at] !== hash || slots[at + 3] !== word.length) continue;
      const offset = slots[at + 2]!;
      let same = true;
      for (let c = 0; c < word.length && same; c++) same = chars[offset + c] === word.charCodeAt(c);
      if (same) return slot;
    }
  }
}
