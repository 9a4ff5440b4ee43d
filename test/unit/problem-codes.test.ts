import { describe, expect, it } from 'vitest';
import { PROBLEM_LIST, PROBLEMS, VALIDATOR_FIX } from '../../core/problems/problem-codes';
import { Problem, PROBLEM_BASE, problemBody } from '../../functions/problems';
import { fixFor } from '../../infra/client/problem-fix';

describe('the problem code table', () => {
  it('gives every code a status in 400–599, a title and a non-empty fix', () => {
    expect(PROBLEM_LIST.length).toBe(Object.keys(PROBLEMS).length);
    for (const { code, status, title, fix } of PROBLEM_LIST) {
      expect(Number.isInteger(status) && status >= 400 && status <= 599, `${code}: status ${status}`).toBe(true);
      expect(title.trim(), code).not.toBe('');
      expect(fix.trim(), code).not.toBe('');
    }
  });

  it('is what the edge answers: problemBody and Problem carry each code with its status and title', () => {
    for (const { code, status, title } of PROBLEM_LIST) {
      expect(problemBody(code, 'detail')).toEqual({ type: `${PROBLEM_BASE}${code}`, title, status, detail: 'detail', code });
      expect(new Problem(code, 'detail').status).toBe(status);
    }
  });

  it('is what the CLI suggests, whatever status arrives with a known code', () => {
    for (const { code, fix } of PROBLEM_LIST) expect(fixFor(code, 400)).toBe(fix);
    expect(fixFor('onnx_truncated', 422)).toBe(VALIDATOR_FIX);
  });

  it('falls back by status for codes this CLI does not know, or none', () => {
    expect(fixFor('from_a_newer_edge', 422)).toBe(VALIDATOR_FIX);
    expect(fixFor('from_a_newer_edge', 413)).toBe(VALIDATOR_FIX);
    expect(fixFor(undefined, 502)).toBe(PROBLEMS.internal_error.fix);
    expect(fixFor('from_a_newer_edge', 404)).toBe('check the name and the endpoint');
    expect(fixFor(undefined, 400)).toBe(PROBLEMS.invalid_request.fix);
    expect(fixFor('toString', 400)).toBe(PROBLEMS.invalid_request.fix);
  });
});
