import { isProblemCode, PROBLEMS, VALIDATOR_FIX } from '../../core/problems/problem-codes';

/**
 * What the user can do about a problem the edge returned: the fix core/problems/problem-codes.ts
 * gives its `code`, or one by status for a code this CLI does not know (a newer edge) or none.
 */
export function fixFor(code: string | undefined, status: number): string {
  if (code && isProblemCode(code)) return PROBLEMS[code].fix;
  if (status === 422 || status === 413) return VALIDATOR_FIX;
  if (status >= 500) return PROBLEMS.internal_error.fix;
  if (status === 404) return 'check the name and the endpoint';
  return PROBLEMS.invalid_request.fix;
}
