import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PROJECT_ROOT } from '../../trainer/paths';

type RawConfig = Record<string, unknown> & {
  main?: string;
  d1_databases?: { binding: string; database_id?: string; migrations_dir?: string }[];
};

/** The committed wrangler.jsonc, as written (not normalised), parsed by wrangler's own JSONC reader. */
export async function readRawConfig(file = path.join(PROJECT_ROOT, 'wrangler.jsonc')): Promise<RawConfig> {
  const { experimental_readRawConfig } = await import('wrangler');
  return experimental_readRawConfig({ config: file }).rawConfig as RawConfig;
}

/**
 * The committed config with the account's real D1 id, paths made absolute so it works from
 * `.graft/deploy/`. Generated rather than edited in place: the committed file stays account-free.
 */
export function deployConfig(raw: RawConfig, databaseId: string, root = PROJECT_ROOT): RawConfig {
  const { $schema: _schema, ...rest } = raw;
  return {
    ...rest,
    ...(raw.main ? { main: path.resolve(root, raw.main) } : {}),
    d1_databases: (raw.d1_databases ?? []).map((d) =>
      d.binding === 'DB'
        ? { ...d, database_id: databaseId, migrations_dir: path.resolve(root, d.migrations_dir ?? 'migrations') }
        : d,
    ),
  };
}

export async function writeDeployConfig(file: string, config: RawConfig): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify(config, null, 2) + '\n');
}
