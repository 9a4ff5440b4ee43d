import { z } from 'zod';

const JsonObject = z.record(z.string(), z.unknown());

export type JsonlRecord = {
  value: Record<string, unknown>;
  /** 1-based line number. */
  line: number;
};

export type JsonlOptions = {
  /** Refuse a line longer than this before handing it to JSON.parse. */
  maxLineChars?: number;
};

export class JsonlSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = 'JsonlSyntaxError';
  }
}

export class JsonlLineTooLongError extends Error {
  constructor(
    readonly line: number,
    readonly length: number,
    readonly limit: number,
  ) {
    super(`line ${line} is ${length} characters, longer than ${limit}`);
    this.name = 'JsonlLineTooLongError';
  }
}

/** JSON Lines: one object per line, LF or CRLF, blank lines skipped, a leading BOM dropped. */
export function parseJsonl(input: string, options: JsonlOptions = {}): JsonlRecord[] {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const max = options.maxLineChars ?? Infinity;
  const records: JsonlRecord[] = [];
  let start = 0;
  for (let line = 1; start < text.length; line++) {
    const newline = text.indexOf('\n', start);
    const end = newline === -1 ? text.length : newline;
    if (end - start > max) throw new JsonlLineTooLongError(line, end - start, max);
    const raw = text.slice(start, end);
    start = end + 1;
    if (!/\S/.test(raw)) continue;

    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      throw new JsonlSyntaxError(`line ${line} is not valid JSON (${why})`, line);
    }
    const object = JsonObject.safeParse(parsed);
    if (!object.success) {
      const kind = parsed === null ? 'null' : Array.isArray(parsed) ? 'an array' : `a ${typeof parsed}`;
      throw new JsonlSyntaxError(`line ${line} is ${kind}, not a JSON object`, line);
    }
    records.push({ value: object.data, line });
  }
  return records;
}
