import type { z } from 'zod';
import { Problem, type ProblemCode } from '../problems';

interface Issue {
  code: string;
  path: PropertyKey[];
  message: string;
  /** invalid_union: each alternative's issues. */
  errors?: Issue[][];
}

/** The fields a predict or embed body carries its inputs in: texts, base64 images, image files. */
const INPUT_FIELDS = new Set<PropertyKey>(['inputs', 'images', 'image']);

/** Limits broken inside a valid-looking body get their own codes; everything else is 400. */
function codeFor(issue: Issue): ProblemCode {
  const [field] = issue.path;
  if (issue.code === 'too_big' && field !== undefined && INPUT_FIELDS.has(field) && issue.path.length === 1) return 'too_many_inputs';
  if (issue.code === 'too_big' && field === 'inputs') return 'text_too_long';
  if (issue.code === 'too_big' && field === 'adapters' && issue.path.length === 1) return 'too_many_adapters';
  return 'invalid_request';
}

/**
 * A body that may be texts or images failed as both: the alternative it was meant as is the one
 * missing the fewest of its fields, so `{"images": [9 images]}` is too many images, not a body
 * without `inputs`. With no clear winner the union's own message stands.
 */
function meantIssues(issues: Issue[], input: unknown): Issue[] {
  const [first] = issues;
  if (first?.code !== 'invalid_union' || first.path.length > 0 || !first.errors || typeof input !== 'object' || input === null) return issues;
  const missing = (branch: Issue[]) => branch.filter((i) => i.path.length > 0 && !Object.hasOwn(input, i.path[0]!)).length;
  const [best, next] = first.errors.map((branch) => ({ branch, missing: missing(branch) })).sort((a, b) => a.missing - b.missing);
  return best && next && best.missing < next.missing ? best.branch : issues;
}

/** `input` is the body that failed, to tell which alternative of a union it was meant as. */
export function problemFromZod(error: z.ZodError, where: string, input?: unknown): Problem {
  const issues = meantIssues(error.issues as Issue[], input);
  const errors = issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
  const first = issues[0];
  const code = first ? codeFor(first) : 'invalid_request';
  const detail = first ? `${where} ${errors[0]!.path || '(root)'}: ${first.message}` : `invalid ${where}`;
  return new Problem(code, detail, { errors });
}

/** OpenAPIHono's defaultHook: validation failures become problem+json through app.onError. */
export function validationHook(result: { success: boolean; error?: unknown; target?: string; data?: unknown }): void {
  if (!result.success) throw problemFromZod(result.error as z.ZodError, `request ${result.target ?? 'body'}`, result.data);
}
