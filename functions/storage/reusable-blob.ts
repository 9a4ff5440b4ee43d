import { BLOB_REUSE_MAX_AGE_MS } from '../limits';

function hex(bytes: ArrayBuffer): string {
  return [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Whether an upload may keep the blob already at its content-addressed key instead of writing it.
 * Only when R2 vouches for the bytes — the sha256 it verified when they were put, which any
 * overwrite without it (or with other bytes) replaces — and the blob is young enough that the
 * orphan collector cannot take it before the upload commits (BLOB_REUSE_MAX_AGE_MS).
 */
export function isReusableBlob(existing: R2Object | null, sha256: string, nowMs: number): boolean {
  if (!existing) return false;
  const stored = existing.checksums.sha256;
  return stored !== undefined && hex(stored) === sha256 && nowMs - existing.uploaded.getTime() < BLOB_REUSE_MAX_AGE_MS;
}
