/** Timestamps stored in D1 and returned by the API: ISO 8601, UTC. */
export function now(): string {
  return new Date().toISOString();
}
