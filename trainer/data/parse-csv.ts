const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;
const BOM = 0xfeff;

export type CsvRecord = {
  fields: string[];
  /** 1-based physical line the record starts on (records may span lines inside quotes). */
  line: number;
};

export type CsvTable = { header: string[]; rows: CsvRecord[] };

export type CsvOptions = {
  /** Give up on a field as soon as it grows past this, before scanning the rest of a giant line. */
  maxFieldChars?: number;
};

export class CsvSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = 'CsvSyntaxError';
  }
}

export class CsvFieldTooLongError extends Error {
  constructor(
    readonly line: number,
    /** Index in the table: 0 is the header, 1 the first data row. */
    readonly record: number,
    readonly limit: number,
  ) {
    super(`line ${line} has a field longer than ${limit} characters`);
    this.name = 'CsvFieldTooLongError';
  }
}

/**
 * RFC 4180 with the usual leniencies: LF, CRLF or a lone CR end a record, a leading BOM is dropped,
 * blank lines are skipped, and a quote inside an unquoted field is kept as text.
 * One pass over the input, slicing rather than copying, so time and memory stay linear.
 */
export function parseCsv(input: string, options: CsvOptions = {}): CsvTable {
  const text = input.charCodeAt(0) === BOM ? input.slice(1) : input;
  const max = options.maxFieldChars ?? Infinity;
  const n = text.length;
  const records: CsvRecord[] = [];
  let i = 0;
  let line = 1;

  while (i < n) {
    const recordLine = line;
    const fields: string[] = [];
    let quoted = false;
    for (;;) {
      let value: string;
      if (text.charCodeAt(i) === QUOTE) {
        quoted = true;
        // Pieces between doubled quotes, joined once: repeated += would build a deep rope.
        const pieces: string[] = [];
        let kept = 0;
        let start = ++i;
        for (;;) {
          if (kept + i - start > max) throw new CsvFieldTooLongError(recordLine, records.length, max);
          if (i >= n) throw new CsvSyntaxError(`line ${recordLine}: a quoted field never closes`, recordLine);
          const c = text.charCodeAt(i);
          if (c === QUOTE) {
            pieces.push(text.slice(start, i + 1));
            kept += i + 1 - start;
            if (text.charCodeAt(i + 1) === QUOTE) {
              i += 2;
              start = i;
              continue;
            }
            i++;
            break;
          }
          if (c === LF || (c === CR && text.charCodeAt(i + 1) !== LF)) line++;
          i++;
        }
        // Each piece ends with a quote: the kept half of a doubled pair, or the closing one.
        const last = pieces.length - 1;
        pieces[last] = pieces[last]!.slice(0, -1);
        value = pieces.length === 1 ? pieces[0]! : pieces.join('');
        const next = text.charCodeAt(i);
        if (i < n && next !== COMMA && next !== LF && next !== CR) {
          throw new CsvSyntaxError(
            `line ${line}: unexpected ${JSON.stringify(text[i])} after a closing quote (write a quote inside a quoted field as "")`,
            line,
          );
        }
      } else {
        const start = i;
        while (i < n) {
          const c = text.charCodeAt(i);
          if (c === COMMA || c === LF || c === CR) break;
          if (++i - start > max) throw new CsvFieldTooLongError(recordLine, records.length, max);
        }
        value = text.slice(start, i);
      }
      fields.push(value);

      const c = text.charCodeAt(i);
      if (c === COMMA) {
        i++;
        continue;
      }
      if (c === CR) {
        i++;
        if (text.charCodeAt(i) === LF) i++;
        line++;
      } else if (c === LF) {
        i++;
        line++;
      }
      break;
    }
    const blank = !quoted && fields.length === 1 && fields[0] === '';
    if (!blank) records.push({ fields, line: recordLine });
  }

  return { header: records[0]?.fields ?? [], rows: records.slice(1) };
}
