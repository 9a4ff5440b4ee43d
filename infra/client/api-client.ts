import type { z } from 'zod';
import { UsageError } from '../../trainer/cli/usage-error';
import { fixFor } from './problem-fix';

type Fetch = typeof fetch;

export interface RequestOptions<S extends z.ZodType> {
  json?: unknown;
  form?: FormData;
  query?: Record<string, string>;
  /** Checks the answer against the API contract; without it the body is returned as parsed. */
  schema?: S;
}

interface ProblemLike {
  title?: unknown;
  detail?: unknown;
  code?: unknown;
}

/** An error answer of the API: a UsageError (one line, exit 2) that callers may still branch on. */
export class ApiProblem extends UsageError {
  constructor(
    problem: string,
    fix: string,
    readonly status: number,
    readonly code: string | undefined,
  ) {
    super(problem, fix);
    this.name = 'ApiProblem';
  }
}

/** `graft: <detail> (<code>) — <fix>`, the one line every client command prints for an API error. */
export function problemError(status: number, body: unknown, what: string): ApiProblem {
  const problem = (body && typeof body === 'object' ? body : {}) as ProblemLike;
  const code = typeof problem.code === 'string' ? problem.code : undefined;
  const text = typeof problem.detail === 'string' && problem.detail ? problem.detail : typeof problem.title === 'string' ? problem.title : undefined;
  if (!text) {
    const snippet = typeof body === 'string' ? body.trim().slice(0, 120) : '';
    return new ApiProblem(`${what} answered HTTP ${status}${snippet ? `: ${snippet}` : ''}`, 'check that the endpoint is a Graft edge (npm start prints it)', status, undefined);
  }
  return new ApiProblem(`${text}${code ? ` (${code})` : ''}`, fixFor(code, status), status, code);
}

/** A thin fetch wrapper: bearer auth, JSON or multipart bodies, problem+json turned into UsageErrors. */
export class ApiClient {
  constructor(
    readonly endpoint: string,
    private readonly token: string | undefined,
    private readonly fetchImpl: Fetch = fetch,
  ) {}

  async request<S extends z.ZodType = z.ZodUnknown>(method: string, path: string, options: RequestOptions<S> = {}): Promise<z.infer<S>> {
    const url = new URL(this.endpoint.replace(/\/+$/, '') + path);
    for (const [k, v] of Object.entries(options.query ?? {})) url.searchParams.set(k, v);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    let body: BodyInit | undefined;
    if (options.form) body = options.form;
    else if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    }
    let response: Response;
    try {
      response = await this.fetchImpl(url, { method, headers, body });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new UsageError(
        `cannot reach ${this.endpoint} (${cause?.code ?? cause?.message ?? (error as Error).message})`,
        'is the platform running? start it with npm start, or pass --endpoint / set GRAFT_ENDPOINT',
      );
    }
    const text = await response.text();
    let parsed: unknown = text;
    if (text && /json/i.test(response.headers.get('content-type') ?? '')) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    if (!response.ok) throw problemError(response.status, parsed, `${method} ${url.pathname}`);
    if (response.status === 204 || !text) return undefined as z.infer<S>;
    if (!options.schema) return parsed as z.infer<S>;
    const checked = options.schema.safeParse(parsed);
    if (!checked.success) {
      const issue = checked.error.issues[0]!;
      throw new Error(`${method} ${url.pathname}: unexpected response (${issue.path.join('.')}: ${issue.message})`);
    }
    return checked.data;
  }
}
