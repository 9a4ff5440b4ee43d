import { describe, it, expect } from 'vitest';
import { JsonlLineTooLongError, JsonlSyntaxError, parseJsonl } from '../../trainer/data/parse-jsonl';

describe('parseJsonl', () => {
  it('reads one object per line, skipping blank lines, with line numbers', () => {
    const records = parseJsonl('\uFEFF{"text":"a","label":1}\n\n   \r\n{"text":"b","label":"x"}\r\n');
    expect(records).toEqual([
      { value: { text: 'a', label: 1 }, line: 1 },
      { value: { text: 'b', label: 'x' }, line: 4 },
    ]);
  });

  it('reads a last line without a newline', () => {
    expect(parseJsonl('{"a":1}\n{"a":2}').map((r) => r.value)).toEqual([{ a: 1 }, { a: 2 }]);
  });

  it('names the line of invalid JSON', () => {
    expect(() => parseJsonl('{"a":1}\n\n{"a":\n')).toThrow(JsonlSyntaxError);
    expect(() => parseJsonl('{"a":1}\n\n{"a":\n')).toThrow(/^line 3 is not valid JSON/);
  });

  it('rejects lines that are not objects', () => {
    expect(() => parseJsonl('{"a":1}\n[1,2]\n')).toThrow('line 2 is an array, not a JSON object');
    expect(() => parseJsonl('"text"\n')).toThrow('line 1 is a string, not a JSON object');
    expect(() => parseJsonl('null\n')).toThrow('line 1 is null, not a JSON object');
  });

  it('refuses a line past maxLineChars before parsing it', () => {
    expect(() => parseJsonl(`{"a":1}\n{"a":"${'x'.repeat(100)}"}\n`, { maxLineChars: 50 })).toThrow(JsonlLineTooLongError);
  });
});
