import { MAX_DECODE_BYTES } from '../../core/image/image-limits';
import { API_LIMITS } from '../../core/schemas/api';
import { PROBLEM_LIST } from '../../core/problems/problem-codes';
import { ADAPTER_CACHE_BYTES, ALIAS_STALENESS_MS, AUTH_FAILURE_PERIOD_S, MAX_ADAPTERS_PER_PREDICT, MAX_ADAPTERS_PER_TENANT, MAX_BATCH_INPUTS, MAX_BODY_BYTES, MAX_FORM_PARTS, MAX_MANIFEST_BYTES, MAX_MODEL_BYTES, MAX_RUN_INPUT_BYTES, MAX_TENANT_STORED_BYTES, MAX_TEXT_CHARS, MAX_VERSIONS_PER_ADAPTER, RATE_LIMIT_PERIOD_S, RUN_DEADLINE_MS } from '../limits';

interface Operation {
  summary?: string;
  security?: Record<string, unknown>[];
  requestBody?: { content?: Record<string, unknown> };
  responses?: Record<string, unknown>;
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function who(op: Operation): string {
  const scheme = op.security?.[0] && Object.keys(op.security[0])[0];
  return scheme === 'adminToken' ? 'admin token' : scheme === 'tenantKey' ? 'tenant key' : 'anyone';
}

/** A self-contained page (no scripts, no external assets) listing the routes of the OpenAPI
 * document, the problem codes (with what to do about each) and the limits. */
export function renderDocs(doc: { info: { title: string; description?: string }; paths?: object }): string {
  const rows: string[] = [];
  for (const [path, methods] of Object.entries((doc.paths ?? {}) as Record<string, Record<string, Operation>>)) {
    for (const [method, op] of Object.entries(methods)) {
      const body = Object.keys(op.requestBody?.content ?? {}).join(', ');
      const statuses = Object.keys(op.responses ?? {}).join(' ');
      rows.push(
        `<tr><td><code>${method.toUpperCase()}</code></td><td><code>${escape(path)}</code></td><td>${who(op)}</td><td>${escape(op.summary ?? '')}</td><td>${escape(body)}</td><td>${statuses}</td></tr>`,
      );
    }
  }
  const codes = PROBLEM_LIST.map(
    ({ code, status, title, fix }) => `<tr><td><code>${code}</code></td><td>${status}</td><td>${escape(title)}</td><td>${escape(fix)}</td></tr>`,
  ).join('');
  const limits = [
    ['texts per request', MAX_BATCH_INPUTS],
    ['characters per text', MAX_TEXT_CHARS],
    ['images per request', API_LIMITS.maxImagesPerRequest],
    ['bytes per image (JPEG or PNG)', API_LIMITS.maxImageBytes],
    ['pixels per image (width × height)', API_LIMITS.maxImagePixels],
    ['adapters per /v1/predict', MAX_ADAPTERS_PER_PREDICT],
    ['adapter model bytes', MAX_MODEL_BYTES],
    ['manifest bytes', MAX_MANIFEST_BYTES],
    ['request body bytes (JSON, or multipart images)', MAX_BODY_BYTES],
    ['adapter session cache bytes per isolate', ADAPTER_CACHE_BYTES],
    ['live-version staleness across isolates (ms)', ALIAS_STALENESS_MS],
    ['rate-limit window (s), per tenant', RATE_LIMIT_PERIOD_S],
    ['bytes decoding one image may allocate', MAX_DECODE_BYTES],
    ['parts per multipart body', MAX_FORM_PARTS],
    ['bytes of input to one ONNX Runtime run', MAX_RUN_INPUT_BYTES],
    ['ms from a request\'s first model run until its last may start', RUN_DEADLINE_MS],
    ['adapters per tenant', MAX_ADAPTERS_PER_TENANT],
    ['versions per adapter', MAX_VERSIONS_PER_ADAPTER],
    ['bytes stored per tenant', MAX_TENANT_STORED_BYTES],
    ['failed-authentication window (s), per client address', AUTH_FAILURE_PERIOD_S],
  ]
    .map(([what, value]) => `<tr><td>${what}</td><td>${value}</td></tr>`)
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(doc.info.title)}</title>
<style>body{font:14px system-ui,sans-serif;margin:2rem;max-width:72rem}table{border-collapse:collapse;margin-bottom:2rem}td,th{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}</style></head>
<body><h1>${escape(doc.info.title)}</h1><p>${escape(doc.info.description ?? '')} Machine-readable: <a href="/openapi.json">/openapi.json</a>.</p>
<h2>Routes</h2><table><tr><th>method</th><th>path</th><th>who</th><th>does</th><th>body</th><th>statuses</th></tr>${rows.join('')}</table>
<h2>Problem codes</h2><table><tr><th>code</th><th>status</th><th>title</th><th>what to do (graft CLI)</th></tr>${codes}</table>
<h2>Limits</h2><table><tr><th>limit</th><th>value</th></tr>${limits}</table></body></html>`;
}
