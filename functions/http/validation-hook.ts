import type { z } from 'zod';
import { Problem, type ProblemCode } from '../problems';

interface Issue {
  code: string;
  path: PropertyKey[];
  message: string;
  origin?: string;
}

/** Limits broken inside a valid-looking body get their own codes; everything else is 400. */
function codeFor(issue: Issue): ProblemCode {
  const [field] = issue.path;
  if (issue.code === 'too_big' && field === 'inputs') return issue.path.length === 1 ? 'too_many_inputs' : 'text_too_long';
  if (issue.code === 'too_big' && field === 'adapters' && issue.path.length === 1) return 'too_many_adapters';
  return 'invalid_request';
}

export function problemFromZod(error: z.ZodError, where: string): Problem {
  const issues = error.issues as Issue[];
  const errors = issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
  const first = issues[0];
  const code = first ? codeFor(first) : 'invalid_request';
  const detail = first ? `${where} ${errors[0]!.path || '(root)'}: ${first.message}` : `invalid ${where}`;
  return new Problem(code, detail, { errors });
}

/** OpenAPIHono's defaultHook: validation failures become problem+json through app.onError. */
export function validationHook(result: { success: boolean; error?: unknown; target?: string }): void {
  if (!result.success) throw problemFromZod(result.error as z.ZodError, `request ${result.target ?? 'body'}`);
}
