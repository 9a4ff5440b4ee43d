import { extname } from 'node:path';

const TYPES: Record<string, string> = {
  '.json': 'application/json',
  // ONNX has no registered media type; octet-stream keeps proxies and browsers from touching it.
  '.onnx': 'application/octet-stream',
  '.html': 'text/html; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

export function contentTypeOf(path: string): string {
  return TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}
