import { tokenize } from '../text/tokenize';
import { memo, itemsOf, type InputBatch } from './input-batch';

/** Each text's `tokenize` result, computed once per batch for every block and head that reads tokens. */
export function tokensOf(batch: InputBatch, block: string): readonly (readonly string[])[] {
  const texts = itemsOf(batch, 'text', block);
  return memo(batch, 'text:tokens', () => texts.map(tokenize));
}
