import { readFile, writeFile } from 'node:fs/promises';

/** Replaces (or appends) one `## Title` section of BENCHMARKS.md, leaving other sections alone. */
export async function writeBenchmarksSection(file: string, title: string, body: string): Promise<void> {
  const text = await readFile(file, 'utf8').catch(() => '# Benchmarks\n');
  const heading = `## ${title}`;
  const section = `${heading}\n\n${body.trim()}\n`;
  const start = text.split('\n').findIndex((line) => line.trim() === heading);
  if (start < 0) {
    await writeFile(file, `${text.trimEnd()}\n\n${section}`);
    return;
  }
  const lines = text.split('\n');
  let end = lines.findIndex((line, i) => i > start && line.startsWith('## '));
  if (end < 0) end = lines.length;
  const after = lines.slice(end).join('\n');
  await writeFile(file, `${lines.slice(0, start).join('\n')}${start > 0 ? '\n' : ''}${section}${after ? `\n${after}` : ''}`);
}
