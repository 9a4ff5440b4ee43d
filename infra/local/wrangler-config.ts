import { PROJECT_ROOT } from '../../trainer/paths';
import path from 'node:path';

export interface EdgeConfig {
  /** The path of the config file read. */
  path: string;
  name: string;
  bucket: string;
  database: { name: string; id: string; migrationsDir: string };
}

/** The bindings infra needs from a wrangler config, parsed by wrangler itself (JSONC, defaults). */
export async function readEdgeConfig(file = path.join(PROJECT_ROOT, 'wrangler.jsonc')): Promise<EdgeConfig> {
  // Imported lazily: loading wrangler costs about a second, and a second start avoids it.
  const { unstable_readConfig } = await import('wrangler');
  const config = unstable_readConfig({ config: file });
  const bucket = config.r2_buckets.find((b: { binding: string }) => b.binding === 'ARTIFACTS');
  const database = config.d1_databases.find((d: { binding: string }) => d.binding === 'DB');
  if (!bucket?.bucket_name || !database) throw new Error(`${file} must bind an R2 bucket ARTIFACTS and a D1 database DB`);
  return {
    path: file,
    name: config.name ?? 'graft',
    bucket: bucket.bucket_name,
    database: {
      name: database.database_name ?? 'graft',
      id: database.database_id ?? database.database_name ?? 'graft',
      migrationsDir: path.resolve(path.dirname(file), database.migrations_dir ?? 'migrations'),
    },
  };
}
