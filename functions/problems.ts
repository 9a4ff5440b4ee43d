import { PROBLEMS, type ProblemCode } from '../core/problems/problem-codes';

export type { ProblemCode };

/**
 * Every error the API returns, as RFC 9457 problem+json `{type, title, status, detail, code}`.
 * Codes, statuses and titles come from the one table in core/problems/problem-codes.ts, which the
 * CLI reads too. `type` is `<PROBLEM_BASE><code>`. Each code has exactly one status.
 */
export const PROBLEM_BASE = 'https://graft.dev/problems/';

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ProblemCode;
  [extension: string]: unknown;
}

/** Thrown anywhere in a request; app.onError turns it into the response. */
export class Problem extends Error {
  override readonly name = 'Problem';
  constructor(
    readonly code: ProblemCode,
    detail: string,
    readonly extensions: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }

  get status(): number {
    return PROBLEMS[this.code].status;
  }
}

export function problemBody(code: ProblemCode, detail: string, extensions: Record<string, unknown> = {}): ProblemBody {
  const { status, title } = PROBLEMS[code];
  return { ...extensions, type: `${PROBLEM_BASE}${code}`, title, status, detail, code };
}

export function problemResponse(problem: Problem): Response {
  const body = problemBody(problem.code, problem.message, problem.extensions);
  return new Response(JSON.stringify(body), {
    status: body.status,
    headers: { 'content-type': 'application/problem+json', ...problem.headers },
  });
}
