import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_LABELS, MAX_TEXT_CHARS } from '../../core/text/limits';
import { UsageError } from '../../trainer/cli/usage-error';
import { checkTextDataset } from '../../trainer/data/check-text-dataset';
import { loadTextDataset } from '../../trainer/data/load-text-dataset';

let root: string;
let n = 0;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'graft-check-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function file(name: string, content: string): Promise<string> {
  const path = join(root, `${n++}-${name}`);
  await writeFile(path, content);
  return path;
}

/** Load then check, as `graft train` does; returns the UsageError it must throw. */
async function failure(path: string, opts = {}): Promise<UsageError> {
  let error: unknown;
  try {
    checkTextDataset(await loadTextDataset(path, opts));
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(UsageError);
  expect((error as UsageError).message).not.toContain('\n');
  return error as UsageError;
}

const rows = (...pairs: [string, string][]) => 'text,label\n' + pairs.map(([t, l]) => `${t},${l}\n`).join('');
const good = rows(['a', 'x'], ['b', 'x'], ['c', 'y'], ['d', 'y']);

describe('dataset validation, in order', () => {
  it('passes a good dataset', async () => {
    const ds = await loadTextDataset(await file('good.csv', good));
    expect(() => checkTextDataset(ds)).not.toThrow();
  });

  it('1. names a missing file', async () => {
    const path = join(root, 'nope.csv');
    const e = await failure(path);
    expect(e.message).toBe(`${path} does not exist`);
    expect(e.fix).toMatch(/--data/);
  });

  it('2. rejects an empty file, a blank file and a header without rows', async () => {
    for (const [name, content] of [['empty.csv', ''], ['blank.csv', ' \n\n'], ['empty.jsonl', '\n\n']] as const) {
      const path = await file(name, content);
      expect((await failure(path)).message).toBe(`${path} is empty`);
    }
    const headerOnly = await file('header.csv', 'text,label\n');
    expect((await failure(headerOnly)).message).toBe(`${headerOnly} has a header but no rows`);
  });

  it('3. lists the columns found when one is missing and suggests the flags', async () => {
    const path = await file('cols.csv', 'body,category\n"",\n');
    const e = await failure(path);
    expect(e.message).toBe(`${path} has no "text" or "label" column (found: "body", "category")`);
    expect(e.fix).toMatch(/--text-column/);
    expect(e.fix).toMatch(/--label-column/);

    const jsonl = await file('cols.jsonl', '{"body":"a","label":"x"}\n');
    expect((await failure(jsonl, { textColumn: 'txt' })).message).toBe(`${jsonl} has no "txt" column (found: "body", "label")`);
  });

  it('4. names the row with an empty text or label, before any later problem', async () => {
    const long = 'z'.repeat(MAX_TEXT_CHARS + 1);
    const path = await file('holes.csv', rows(['a', 'x'], [long, 'x'], ['b', 'x'], ['  ', 'y'], ['c', '']));
    const e = await failure(path);
    expect(e.message).toBe(`row 4 (line 5) of ${path} has an empty text`);
    expect(e.fix).toMatch(/remove that row or fill it in/);

    const label = await file('holes2.csv', rows(['a', 'x'], ['b', '"  "']));
    expect((await failure(label)).message).toBe(`row 2 (line 3) of ${label} has an empty label`);
  });

  it('5. names the row and length of a text over MAX_TEXT_CHARS', async () => {
    const path = await file('long.csv', rows(['a', 'x'], ['b', 'x'], ['z'.repeat(MAX_TEXT_CHARS + 5), 'y']));
    const e = await failure(path);
    expect(e.message).toBe(`the text in row 3 (line 4) of ${path} is 100,005 characters, over the 100,000 limit`);
  });

  it('6. needs at least two labels', async () => {
    const path = await file('one.csv', rows(['a', 'x'], ['b', 'x'], ['c', 'x']));
    const e = await failure(path);
    expect(e.message).toBe(`${path} has only one label ("x")`);
    expect(e.fix).toMatch(/at least one more label/);
  });

  it('7. names the labels with fewer than 2 examples', async () => {
    const path = await file('few.csv', rows(['a', 'x'], ['b', 'x'], ['c', 'y'], ['d', 'z']));
    const e = await failure(path);
    expect(e.message).toBe(`${path}: labels "y" (1), "z" (1) have fewer than 2 examples`);
  });

  it('8. refuses more than MAX_LABELS labels', async () => {
    const pairs: [string, string][] = [];
    for (let i = 0; i <= MAX_LABELS; i++) pairs.push(['a', `l${i}`], ['b', `l${i}`]);
    const path = await file('many.csv', rows(...pairs));
    expect((await failure(path)).message).toBe(`${path} has 1,001 distinct labels, over the 1,000 limit`);
  });

  it('checks datasets built in memory too', () => {
    const ds = { source: 'mem', sha256: '', labels: ['x'], examples: [{ text: 'a', label: 'x' }, { text: '', label: 'x' }] };
    expect(() => checkTextDataset(ds)).toThrow('example 2 of mem has an empty text');
  });
});
