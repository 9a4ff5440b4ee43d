import { parseArgs } from 'node:util';
import type { z } from 'zod';
import { UsageError } from './usage-error';

export interface ParsedCommand<T> {
  flags: T;
  positionals: string[];
}

type FlagKinds = Record<string, 'string' | 'boolean'>;

const camel = (flag: string) => flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * Parses `--flag value` / `--flag=value` / `--switch` with node:util, then validates with zod so
 * every flag has one definition of its type and default. Problems become one-line UsageErrors.
 */
export function parseFlags<S extends z.ZodType>(command: string, argv: readonly string[], kinds: FlagKinds, schema: S): ParsedCommand<z.infer<S>> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: Object.fromEntries(Object.entries(kinds).map(([name, type]) => [name, { type }])),
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(`graft ${command}: ${(error as Error).message.split('\n')[0]}`, `see: graft ${command} --help`);
  }
  const raw = Object.fromEntries(Object.entries(parsed.values).map(([k, v]) => [camel(k), v]));
  const result = schema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const flag = issue.path.map((p) => `--${String(p).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(' ');
    throw new UsageError(`graft ${command}: ${flag ? `${flag}: ` : ''}${issue.message}`, `see: graft ${command} --help`);
  }
  return { flags: result.data as z.infer<S>, positionals: parsed.positionals };
}
