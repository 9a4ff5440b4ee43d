/** What the fuzzer checks of every response: a success, or a 4xx problem+json carrying a code. */
export interface Answer {
  status: number;
  /** The problem's `code`; 'ok' for a 2xx. */
  code: string;
  /** Why the answer breaks the contract, if it does. */
  broken?: string;
  excerpt: string;
}

export async function answerOf(response: Response): Promise<Answer> {
  const text = await response.text();
  const excerpt = text.slice(0, 300);
  if (response.ok) return { status: response.status, code: 'ok', excerpt };
  let code: unknown;
  try {
    code = (JSON.parse(text) as { code?: unknown }).code;
  } catch {
    code = undefined;
  }
  const label = typeof code === 'string' && code ? code : 'no-code';
  const type = response.headers.get('content-type') ?? '';
  let broken: string | undefined;
  if (response.status >= 500) broken = `status ${response.status}`;
  else if (!type.startsWith('application/problem+json')) broken = `content-type ${type || 'none'}`;
  else if (label === 'no-code') broken = 'problem without a code';
  return { status: response.status, code: label, excerpt, ...(broken ? { broken } : {}) };
}
