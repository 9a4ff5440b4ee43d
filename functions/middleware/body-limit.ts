import { bodyLimit } from 'hono/body-limit';
import { Problem } from '../problems';

/** Refuses bodies over `maxSize` bytes, by Content-Length or while streaming when it is absent. */
export function limitBody(maxSize: number) {
  return bodyLimit({
    maxSize,
    onError: () => {
      throw new Problem('payload_too_large', `request body exceeds ${maxSize} bytes`, { limit: maxSize });
    },
  });
}
