/** The wrangler command lines of a deploy, built in one place so the dry-run plan and the real run cannot drift. */
export const wranglerSteps = {
  whoami: () => ['whoami'],
  listBuckets: () => ['r2', 'bucket', 'list'],
  createBucket: (bucket: string) => ['r2', 'bucket', 'create', bucket],
  listDatabases: () => ['d1', 'list', '--json'],
  createDatabase: (name: string) => ['d1', 'create', name],
  applyMigrations: (config: string) => ['d1', 'migrations', 'apply', 'DB', '--remote', '--config', config],
  putObject: (bucket: string, key: string, file: string, contentType: string, config: string) => [
    'r2', 'object', 'put', `${bucket}/${key}`, '--remote', '--file', file, '--content-type', contentType, '--config', config,
  ],
  deploy: (config: string) => ['deploy', '--config', config],
  putSecret: (name: string, config: string) => ['secret', 'put', name, '--config', config],
  bundle: (config: string, outDir: string) => ['deploy', '--dry-run', '--outdir', outDir, '--config', config],
};

const quote = (arg: string) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`);
export const showCommand = (args: readonly string[]) => `npx wrangler ${args.map(quote).join(' ')}`;
