import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../trainer/cli/usage-error';
import { loadTextDataset } from '../../trainer/data/load-text-dataset';

let root: string;
let n = 0;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'graft-data-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function file(name: string, content: string | Uint8Array): Promise<string> {
  const path = join(root, `${n++}-${name}`);
  await writeFile(path, content);
  return path;
}

async function usageError(promise: Promise<unknown>): Promise<UsageError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UsageError);
  return error as UsageError;
}

describe('loadTextDataset: CSV', () => {
  it('loads examples, sorted labels and the sha256 of the raw bytes', async () => {
    const raw = '\uFEFFid,text,label\r\n1,"Hello, ""world""\r\nagain",spam\r\n2,plain,ham\r\n3,more, ham \r\n';
    const path = await file('a.csv', raw);
    const ds = await loadTextDataset(path);
    expect(ds.source).toBe(path);
    expect(ds.sha256).toBe(createHash('sha256').update(raw).digest('hex'));
    expect(ds.examples).toEqual([
      { text: 'Hello, "world"\r\nagain', label: 'spam' },
      { text: 'plain', label: 'ham' },
      { text: 'more', label: 'ham' },
    ]);
    expect(ds.labels).toEqual(['ham', 'spam']);
  });

  it('uses the columns given', async () => {
    const path = await file('b.csv', 'body,category\nx,1\ny,2\n');
    const ds = await loadTextDataset(path, { textColumn: 'body', labelColumn: 'category' });
    expect(ds.examples).toEqual([{ text: 'x', label: '1' }, { text: 'y', label: '2' }]);
  });

  it('rejects a row with the wrong number of fields', async () => {
    const path = await file('c.csv', 'text,label\na,b\nc,d,e\n');
    const e = await usageError(loadTextDataset(path));
    expect(e.message).toBe(`row 2 (line 3) of ${path} has 3 fields but the header has 2`);
    expect(e.fix).toMatch(/quote/);
  });

  it('rejects broken quoting with the line', async () => {
    const path = await file('d.csv', 'text,label\n"a"b,c\n');
    const e = await usageError(loadTextDataset(path));
    expect(e.message).toMatch(/is not valid CSV: line 2/);
  });
});

describe('loadTextDataset: JSONL', () => {
  it('loads .jsonl and .ndjson, stringifying numeric and boolean labels', async () => {
    const raw = '{"text":"a","label":1}\n\n{"text":"b","label":true,"extra":[1]}\n{"text":"c","label":"x"}\n';
    for (const ext of ['jsonl', 'ndjson']) {
      const ds = await loadTextDataset(await file(`a.${ext}`, raw));
      expect(ds.examples).toEqual([{ text: 'a', label: '1' }, { text: 'b', label: 'true' }, { text: 'c', label: 'x' }]);
      expect(ds.labels).toEqual(['1', 'true', 'x']);
    }
  });

  it('names the line of bad JSON', async () => {
    const path = await file('b.jsonl', '{"text":"a","label":"x"}\n{oops}\n');
    expect((await usageError(loadTextDataset(path))).message).toMatch(new RegExp(`^${path}: line 2 is not valid JSON`));
  });

  it('rejects a text that is not a string', async () => {
    const path = await file('c.jsonl', '{"text":"a","label":"x"}\n{"text":{"a":1},"label":"y"}\n');
    expect((await usageError(loadTextDataset(path))).message).toBe(`line 2 of ${path}: "text" is a object, expected a string`);
  });

  it('treats a missing label on one line as an empty label', async () => {
    const path = await file('d.jsonl', '{"text":"a","label":"x"}\n{"text":"b"}\n');
    expect((await usageError(loadTextDataset(path))).message).toBe(`line 2 of ${path} has an empty label`);
  });
});

describe('loadTextDataset: folder of label subfolders', () => {
  it('reads .txt files with the folder name as label, ignoring other files', async () => {
    const dir = join(root, 'folder-ok');
    await mkdir(join(dir, 'spam'), { recursive: true });
    await mkdir(join(dir, 'ham'), { recursive: true });
    await mkdir(join(dir, '.hidden'), { recursive: true });
    await writeFile(join(dir, 'spam', '2.txt'), 'buy now');
    await writeFile(join(dir, 'spam', '1.txt'), 'win money\nfast');
    await writeFile(join(dir, 'spam', 'notes.md'), 'ignored');
    await writeFile(join(dir, 'ham', 'a.TXT'), 'lunch?');
    await writeFile(join(dir, '.hidden', 'x.txt'), 'ignored');
    await writeFile(join(dir, 'README.txt'), 'ignored');
    const ds = await loadTextDataset(dir);
    expect(ds.examples).toEqual([
      { text: 'lunch?', label: 'ham' },
      { text: 'win money\nfast', label: 'spam' },
      { text: 'buy now', label: 'spam' },
    ]);
    expect(ds.labels).toEqual(['ham', 'spam']);
    expect(ds.sha256).toMatch(/^[0-9a-f]{64}$/);

    const again = await loadTextDataset(dir);
    expect(again.sha256).toBe(ds.sha256);
    await writeFile(join(dir, 'spam', '2.txt'), 'buy now!');
    expect((await loadTextDataset(dir)).sha256).not.toBe(ds.sha256);
  });

  it('rejects a folder without label subfolders', async () => {
    const dir = join(root, 'folder-empty');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'a.txt'), 'x');
    const e = await usageError(loadTextDataset(dir));
    expect(e.message).toBe(`${dir} has no .txt files in label subfolders`);
    expect(e.fix).toMatch(/one subfolder per label/);
  });

  it('names an empty .txt file', async () => {
    const dir = join(root, 'folder-blank');
    await mkdir(join(dir, 'a'), { recursive: true });
    await writeFile(join(dir, 'a', '1.txt'), 'x');
    await writeFile(join(dir, 'a', '2.txt'), '  \n');
    expect((await usageError(loadTextDataset(dir))).message).toBe(`${join(dir, 'a', '2.txt')} has an empty text`);
  });
});

describe('loadTextDataset: encoding and size', () => {
  it('names the file, byte offset and line of invalid UTF-8', async () => {
    const bytes = Buffer.concat([Buffer.from('text,label\nok,a\ncaf'), Buffer.from([0xe9]), Buffer.from(',b\n')]);
    const path = await file('latin1.csv', bytes);
    const e = await usageError(loadTextDataset(path));
    expect(e.message).toBe(`${path} is not valid UTF-8 (byte offset 19, line 3)`);
    expect(e.fix).toMatch(/UTF-8/);
  });

  it('names invalid UTF-8 in a folder dataset by file', async () => {
    const dir = join(root, 'folder-latin1');
    await mkdir(join(dir, 'a'), { recursive: true });
    await writeFile(join(dir, 'a', '1.txt'), Buffer.from([0x61, 0xc3, 0x28]));
    expect((await usageError(loadTextDataset(dir))).message).toBe(`${join(dir, 'a', '1.txt')} is not valid UTF-8 (byte offset 1, line 1)`);
  });

  it('fails fast on a 50 MB single-line CSV row with the length message', async () => {
    const path = join(root, 'giant.csv');
    await writeFile(path, `text,label\n${'a'.repeat(50 * 1024 * 1024)},spam\nok,ham\n`);
    const started = performance.now();
    const e = await usageError(loadTextDataset(path));
    expect(performance.now() - started).toBeLessThan(3000);
    expect(e.message).toMatch(/^row 1 \(line 2\) of .*giant\.csv has a field over 1,000,000 characters; a text may have at most 100,000$/);
    await rm(path);
  });

  it('fails fast on a giant quoted field and a giant JSONL line', async () => {
    const csv = join(root, 'giant-quoted.csv');
    await writeFile(csv, `label,text\nspam,"${'a'.repeat(8 * 1024 * 1024)}"\n`);
    expect((await usageError(loadTextDataset(csv))).message).toMatch(/row 1 \(line 2\).*100,000/);
    await rm(csv);
    const jsonl = join(root, 'giant.jsonl');
    await writeFile(jsonl, `{"text":"${'a'.repeat(8 * 1024 * 1024)}","label":"x"}\n`);
    expect((await usageError(loadTextDataset(jsonl))).message).toMatch(/^line 1 of .*giant\.jsonl is 8,388,6\d\d characters; a text may have at most 100,000$/);
    await rm(jsonl);
  });

  it('rejects an unknown extension', async () => {
    const path = await file('a.xlsx', 'x');
    expect((await usageError(loadTextDataset(path))).message).toBe(`cannot tell the format of ${path} from its name`);
  });
});
