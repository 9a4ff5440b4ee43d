import { writeFile } from 'node:fs/promises';
import { spamAssassinBodies } from '../../trainer/datasets/spam-assassin';

const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;

/** `count` SpamAssassin bodies spread evenly over the corpus (which is sorted ham first), as a
 * text,label CSV: real, varied, public data. `offset` picks a different sample. */
export async function writeSpamCsv(file: string, count: number, offset = 0): Promise<{ text: string; label: string }[]> {
  const all = spamAssassinBodies().filter((row) => row.text.trim().length > 0);
  const step = all.length / count;
  const rows = Array.from({ length: count }, (_, i) => all[(Math.floor(i * step) + offset) % all.length]!);
  await writeFile(file, ['text,label', ...rows.map((r) => `${quote(r.text)},${r.label}`)].join('\r\n') + '\r\n');
  return rows;
}
