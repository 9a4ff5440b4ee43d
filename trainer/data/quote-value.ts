/** Quotes user content for a one-line message without echoing a megabyte of it. */
export function quoteValue(value: string, max = 40): string {
  return JSON.stringify(value.length > max ? `${value.slice(0, max)}…` : value);
}
