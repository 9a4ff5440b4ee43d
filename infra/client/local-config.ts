import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { Slug } from '../../core/schemas/common';
import { UsageError } from '../../trainer/cli/usage-error';
import { graftHome } from '../../trainer/paths';

/** `.graft/local.json`: what `npm start` hands to the CLI (and to curl users) about the local edge. */
export const LocalConfig = z.object({
  endpoint: z.url(),
  adminToken: z.string().min(1),
  demo: z
    .object({ tenant: Slug, apiKey: z.string().min(1), keyId: z.string().optional(), adapter: Slug })
    .optional(),
});
export type LocalConfig = z.infer<typeof LocalConfig>;

export function localConfigPath(): string {
  return path.join(graftHome(), 'local.json');
}

export async function readLocalConfig(file = localConfigPath()): Promise<LocalConfig | undefined> {
  if (!existsSync(file)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    throw new UsageError(`${file} is not valid JSON`, 'delete it and run npm start again');
  }
  const parsed = LocalConfig.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UsageError(`${file}: ${issue.path.join('.') || 'config'}: ${issue.message}`, 'delete it and run npm start again');
  }
  return parsed.data;
}

/** Written whole under a temporary name, owner-only: it holds the admin token and an API key. */
export async function writeLocalConfig(config: LocalConfig, file = localConfigPath()): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.tmp`;
  await writeFile(partial, JSON.stringify(config, null, 2) + '\n', { mode: 0o600 });
  await rename(partial, file);
}
