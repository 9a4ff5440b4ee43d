import { z } from 'zod';

/** Where the collector keeps the last key it examined, outside `adapters/` so it never lists it. */
export const COLLECTOR_CURSOR_KEY = 'collector/adapter-orphans.json';

// R2's own list cursors are opaque and may expire between hourly runs; a key never does.
const Cursor = z.object({ startAfter: z.string().min(1) });

/** The key after which the next run lists; null starts from the beginning of `adapters/`. */
export async function readCollectorCursor(bucket: R2Bucket): Promise<string | null> {
  const object = await bucket.get(COLLECTOR_CURSOR_KEY);
  if (!object) return null;
  const parsed = Cursor.safeParse(await object.json().catch(() => null));
  return parsed.success ? parsed.data.startAfter : null;
}

export async function writeCollectorCursor(bucket: R2Bucket, startAfter: string | null): Promise<void> {
  if (startAfter === null) await bucket.delete(COLLECTOR_CURSOR_KEY);
  else await bucket.put(COLLECTOR_CURSOR_KEY, JSON.stringify({ startAfter }), { httpMetadata: { contentType: 'application/json' } });
}
