import { describe, it, expect } from 'vitest';
import { CsvFieldTooLongError, CsvSyntaxError, parseCsv } from '../../trainer/data/parse-csv';

const fields = (text: string) => parseCsv(text).rows.map((r) => r.fields);

describe('parseCsv', () => {
  it('reads a header and rows with LF endings and a trailing newline', () => {
    const t = parseCsv('text,label\nhello,a\nbye,b\n');
    expect(t.header).toEqual(['text', 'label']);
    expect(t.rows).toEqual([
      { fields: ['hello', 'a'], line: 2 },
      { fields: ['bye', 'b'], line: 3 },
    ]);
  });

  it('reads CRLF endings and no trailing newline', () => {
    expect(fields('text,label\r\nhello,a\r\nbye,b')).toEqual([['hello', 'a'], ['bye', 'b']]);
  });

  it('strips a UTF-8 BOM from the first header', () => {
    expect(parseCsv('\uFEFFtext,label\nx,y\n').header).toEqual(['text', 'label']);
  });

  it('handles quoted fields, doubled quotes and separators inside quotes', () => {
    expect(fields('a,b\n"x, y","he said ""hi"""\n"",""\n')).toEqual([
      ['x, y', 'he said "hi"'],
      ['', ''],
    ]);
  });

  it('keeps LF, CR and CRLF inside quotes and numbers lines from the record start', () => {
    const t = parseCsv('text,label\n"one\ntwo",a\r\n"three\r\nfour\rfive",b\nsix,c\n');
    expect(t.rows.map((r) => r.fields[0])).toEqual(['one\ntwo', 'three\r\nfour\rfive', 'six']);
    expect(t.rows.map((r) => r.line)).toEqual([2, 4, 7]);
  });

  it('keeps empty fields, including a trailing one', () => {
    expect(fields('a,b,c\n,,\nx,,\n1,2,')).toEqual([['', '', ''], ['x', '', ''], ['1', '2', '']]);
  });

  it('skips blank lines but keeps a quoted empty field', () => {
    expect(fields('a\n\nx\n\r\n""\n\n')).toEqual([['x'], ['']]);
  });

  it('keeps a stray quote inside an unquoted field as text', () => {
    expect(fields('a,b\n5" screen,x\n')).toEqual([['5" screen', 'x']]);
  });

  it('rejects an unterminated quote, naming the line it opened on', () => {
    expect(() => parseCsv('a,b\nx,y\n"open,z\nmore\n')).toThrow(CsvSyntaxError);
    expect(() => parseCsv('a,b\nx,y\n"open,z\nmore\n')).toThrow(/line 3/);
  });

  it('rejects text after a closing quote', () => {
    expect(() => parseCsv('a,b\n"x"y,z\n')).toThrow(/line 2: unexpected "y" after a closing quote/);
  });

  it('returns an empty header for empty input', () => {
    expect(parseCsv('')).toEqual({ header: [], rows: [] });
    expect(parseCsv('\uFEFF')).toEqual({ header: [], rows: [] });
  });

  it('stops at a field longer than maxFieldChars, quoted or not', () => {
    const long = 'x'.repeat(50);
    for (const text of [`a,b\nok,1\n${long},2\n`, `a,b\nok,1\n"${long}",2\n`]) {
      let caught: unknown;
      try {
        parseCsv(text, { maxFieldChars: 10 });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(CsvFieldTooLongError);
      expect(caught).toMatchObject({ line: 3, record: 2, limit: 10 });
    }
  });

  it('is linear: a field with many doubled quotes parses quickly', () => {
    const field = '""'.repeat(500_000);
    const started = performance.now();
    const t = parseCsv(`a\n"${field}"\n`);
    expect(t.rows[0]!.fields[0]!.length).toBe(500_000);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
