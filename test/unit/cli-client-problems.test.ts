import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { ApiClient, ApiProblem } from '../../infra/client/api-client';

const problem = (status: number, code: string, detail: string) =>
  new Response(JSON.stringify({ type: `https://graft.dev/problems/${code}`, title: 'Title', status, detail, code }), {
    status,
    headers: { 'content-type': 'application/problem+json' },
  });

function clientAnswering(response: Response | Error, seen: Request[] = []): ApiClient {
  return new ApiClient('http://127.0.0.1:8787/', 'secret', async (input, init) => {
    seen.push(new Request(input as URL, init));
    if (response instanceof Error) throw response;
    return response;
  });
}

async function lineOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as { line: string }).line;
  }
  throw new Error('expected a failure');
}

describe('ApiClient', () => {
  it('sends the bearer token and JSON, and checks the answer against the schema', async () => {
    const seen: Request[] = [];
    const client = clientAnswering(Response.json({ adapter: 'spam', version: 2 }), seen);
    const body = await client.request('POST', '/v1/adapters/spam/activate', { json: { version: 2 }, schema: z.object({ adapter: z.string(), version: z.number() }) });
    expect(body).toEqual({ adapter: 'spam', version: 2 });
    expect(seen[0]!.url).toBe('http://127.0.0.1:8787/v1/adapters/spam/activate');
    expect(seen[0]!.headers.get('authorization')).toBe('Bearer secret');
    expect(await seen[0]!.json()).toEqual({ version: 2 });
  });

  it('prints a problem as `graft: <detail> (<code>) — <fix>` and keeps status and code', async () => {
    const promise = clientAnswering(problem(404, 'adapter_not_found', 'no adapter named spam')).request('GET', '/v1/adapters/spam');
    await expect(promise).rejects.toBeInstanceOf(ApiProblem);
    const error = (await promise.catch((e: unknown) => e)) as ApiProblem;
    expect(error.status).toBe(404);
    expect(error.code).toBe('adapter_not_found');
    expect(error.exitCode).toBe(2);
    expect(await lineOf(clientAnswering(problem(404, 'adapter_not_found', 'no adapter named spam')).request('GET', '/x'))).toBe(
      'graft: no adapter named spam (adapter_not_found) — list your adapters: graft adapters list',
    );
  });

  it('gives every validator code and unknown 5xx a fix', async () => {
    expect(await lineOf(clientAnswering(problem(422, 'operator_not_allowed', 'op Loop')).request('PUT', '/x'))).toMatch(
      /^graft: op Loop \(operator_not_allowed\) — export adapters with graft train/,
    );
    expect(await lineOf(clientAnswering(problem(500, 'internal_error', 'boom')).request('GET', '/x'))).toMatch(/\(internal_error\) — retry/);
  });

  it('names the endpoint and suggests npm start when nothing answers', async () => {
    const refused = Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
    expect(await lineOf(clientAnswering(refused).request('GET', '/healthz'))).toBe(
      'graft: cannot reach http://127.0.0.1:8787/ (ECONNREFUSED) — is the platform running? start it with npm start, or pass --endpoint / set GRAFT_ENDPOINT',
    );
  });

  it('reports a non-problem error body without pretending it has a code', async () => {
    const line = await lineOf(clientAnswering(new Response('Bad Gateway', { status: 502 })).request('GET', '/v1/adapters'));
    expect(line).toBe('graft: GET /v1/adapters answered HTTP 502: Bad Gateway — check that the endpoint is a Graft edge (npm start prints it)');
  });
});
