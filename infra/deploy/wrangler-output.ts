import { z } from 'zod';

/** Bucket names in `wrangler r2 bucket list` text output (`name:  <bucket>` lines). */
export function parseBucketNames(output: string): string[] {
  return [...output.matchAll(/^name:\s+(\S+)\s*$/gm)].map((m) => m[1]!);
}

const DatabaseList = z.array(z.object({ uuid: z.string(), name: z.string() }).loose());

/** The id of database `name` in `wrangler d1 list --json`, if it exists. */
export function findDatabaseId(output: string, name: string): string | undefined {
  const start = output.indexOf('[');
  if (start < 0) return undefined;
  const list = DatabaseList.parse(JSON.parse(output.slice(start)));
  return list.find((d) => d.name === name)?.uuid;
}

/** The workers.dev (or route) URL `wrangler deploy` prints. */
export function parseDeployUrl(output: string): string | undefined {
  return /https:\/\/[^\s]+\.workers\.dev/.exec(output)?.[0];
}

export function notAuthenticated(output: string): boolean {
  return /not authenticated|not logged in|CLOUDFLARE_API_TOKEN/i.test(output);
}
