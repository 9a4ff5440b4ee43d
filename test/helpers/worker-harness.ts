import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Miniflare, type MiniflareOptions, type WorkerOptions } from 'miniflare';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const DEFAULT_CONFIG = path.join(REPO_ROOT, 'wrangler.jsonc');
export const TEST_ADMIN_TOKEN = 'test-admin-token';

const CACHE_ROOT = path.join(tmpdir(), 'graft-worker-bundles');
// Each bundle carries ORT's 14 MB wasm; older builds of one entry beyond this are deleted.
const KEEP_BUILDS = 3;
const MODULE_TYPES: Record<string, 'ESModule' | 'CompiledWasm' | 'Text' | 'Data'> = {
  '.js': 'ESModule',
  '.mjs': 'ESModule',
  '.wasm': 'CompiledWasm',
  '.txt': 'Text',
  '.html': 'Text',
  '.sql': 'Text',
  '.bin': 'Data',
};

interface Migration {
  name: string;
  statements: string[];
}

/** What a build leaves on disk, next to the bundle, so later runs need neither wrangler nor esbuild. */
export interface WorkerBundle {
  dir: string;
  /** Every source esbuild read, plus the config and lockfile: the bundle is reused while none changes. */
  inputs: FileStamps;
  mainModule: string;
  modules: { path: string; type: 'ESModule' | 'CompiledWasm' | 'Text' | 'Data'; bytes: number }[];
  compatibilityDate: string;
  compatibilityFlags: string[];
  vars: Record<string, string>;
  r2Buckets: Record<string, { id: string }>;
  d1Databases: Record<string, { id: string }>;
  ratelimits: Record<string, { simple: { limit: number; period?: number } }>;
  /** Absolute `migrations_dir` of the `DB` database, if configured. */
  migrationsDir: string | null;
}

export interface BuildOptions {
  /** Worker entry, relative to the repo root; defaults to `main` in wrangler.jsonc. */
  entry?: string;
  config?: string;
}

export interface WorkerHarnessOptions extends BuildOptions {
  /** Extra or overriding plain-text bindings (vars and secrets alike). */
  bindings?: Record<string, string>;
  /** Anything else for miniflare's worker, applied last. */
  miniflare?: Partial<WorkerOptions>;
  /** Folder of `*.sql` files applied in name order; defaults to the config's `migrations_dir`. */
  migrationsDir?: string;
  /** Skip applying D1 migrations. */
  skipMigrations?: boolean;
}

export interface WorkerHarness {
  url: string;
  mf: Miniflare;
  bundle: WorkerBundle;
  fetch(path: string, init?: RequestInit): Promise<Response>;
  d1Exec(sql: string, ...params: unknown[]): Promise<Record<string, unknown>[]>;
  r2Put(key: string, bytes: Uint8Array | string): Promise<void>;
  r2Get(key: string): Promise<Uint8Array | null>;
  stop(): Promise<void>;
}

type FileStamps = Record<string, [size: number, mtimeMs: number]>;

async function stamp(files: Iterable<string>): Promise<FileStamps> {
  const stamps: FileStamps = {};
  for (const file of files) {
    if (!existsSync(file)) continue;
    const info = await stat(file);
    stamps[file] = [info.size, info.mtimeMs];
  }
  return stamps;
}

async function unchanged(stamps: FileStamps): Promise<boolean> {
  const current = await stamp(Object.keys(stamps));
  return Object.entries(stamps).every(([file, [size, mtime]]) => {
    const now = current[file];
    return now !== undefined && now[0] === size && now[1] === mtime;
  });
}

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 24);
}

function runWrangler(args: string[]): Promise<void> {
  const bin = createRequire(import.meta.url).resolve('wrangler/bin/wrangler.js');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: '1', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`wrangler ${args.join(' ')} exited with ${code}:\n${output}`));
    });
  });
}

async function readMigrations(dir: string | null): Promise<Migration[]> {
  if (!dir || !existsSync(dir)) return [];
  const names = (await readdir(dir)).filter((n) => n.endsWith('.sql')).sort();
  const sources = await Promise.all(names.map((n) => readFile(path.join(dir, n), 'utf8')));
  const hash = createHash('sha256');
  names.forEach((n, i) => hash.update(`${n}\0${sources[i]}\0`));
  const cached = path.join(CACHE_ROOT, `migrations-${hash.digest('hex').slice(0, 24)}.json`);
  if (existsSync(cached)) return JSON.parse(await readFile(cached, 'utf8')) as Migration[];
  // Wrangler's own splitter, so triggers, strings and comments split exactly as `d1 migrations apply`;
  // cached because importing wrangler costs over a second.
  const { unstable_splitSqlQuery: split } = await import('wrangler');
  const migrations = names.map((name, i) => ({
    name,
    statements: split(sources[i] ?? '').filter((s) => s.trim()),
  }));
  await mkdir(CACHE_ROOT, { recursive: true });
  await writeFile(cached, JSON.stringify(migrations));
  return migrations;
}

async function build(entry: string, config: string, outDir: string): Promise<WorkerBundle> {
  const metafile = path.join(outDir, 'esbuild-meta.json');
  await runWrangler(['deploy', '--dry-run', '--outdir', outDir, '--metafile', metafile, '--config', config, entry]);
  const meta = JSON.parse(await readFile(metafile, 'utf8')) as { inputs: Record<string, unknown> };
  const inputs = Object.keys(meta.inputs).map((f) => path.resolve(REPO_ROOT, f));
  const { unstable_readConfig, unstable_getMiniflareWorkerOptions } = await import('wrangler');
  const parsed = unstable_readConfig({ config });
  const { workerOptions } = unstable_getMiniflareWorkerOptions(config);
  const files = (await readdir(outDir)).filter((f) => path.extname(f) in MODULE_TYPES).sort();
  const mainModule = `${path.parse(entry).name}.js`;
  if (!files.includes(mainModule)) throw new Error(`wrangler produced no ${mainModule} in ${outDir}`);
  const modules = await Promise.all(
    [mainModule, ...files.filter((f) => f !== mainModule)].map(async (f) => ({
      path: f,
      type: MODULE_TYPES[path.extname(f)] ?? 'Data',
      bytes: (await stat(path.join(outDir, f))).size,
    })),
  );
  const databases = parsed.d1_databases as { binding: string; migrations_dir?: string }[];
  const migrationsDir = databases.find((d) => d.binding === 'DB')?.migrations_dir;
  const bundle: WorkerBundle = {
    dir: outDir,
    inputs: await stamp([...inputs, config, path.join(REPO_ROOT, 'package-lock.json')]),
    mainModule,
    modules,
    compatibilityDate: workerOptions.compatibilityDate ?? '2025-09-01',
    compatibilityFlags: workerOptions.compatibilityFlags ?? [],
    vars: Object.fromEntries(
      Object.entries(workerOptions.bindings ?? {}).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
    ),
    r2Buckets: (workerOptions.r2Buckets ?? {}) as WorkerBundle['r2Buckets'],
    d1Databases: (workerOptions.d1Databases ?? {}) as WorkerBundle['d1Databases'],
    ratelimits: Object.fromEntries(
      Object.entries((workerOptions.ratelimits ?? {}) as WorkerBundle['ratelimits']).map(([k, v]) => [
        k,
        { simple: v.simple },
      ]),
    ),
    migrationsDir: migrationsDir ? path.resolve(path.dirname(config), migrationsDir) : null,
  };
  // bundle.json marks a finished build, so it appears atomically and last.
  await writeFile(path.join(outDir, 'bundle.json.tmp'), JSON.stringify(bundle, null, 2));
  await rename(path.join(outDir, 'bundle.json.tmp'), path.join(outDir, 'bundle.json'));
  return bundle;
}

/**
 * Bundles the worker exactly as `wrangler deploy` would. Cached in the OS temp folder and reused,
 * across test files and runs, until a file esbuild actually read changes.
 */
export async function buildWorkerBundle(options: BuildOptions = {}): Promise<WorkerBundle> {
  const config = path.resolve(REPO_ROOT, options.config ?? DEFAULT_CONFIG);
  const entry = path.resolve(REPO_ROOT, options.entry ?? (await mainFromConfig(config)));
  if (!existsSync(entry)) throw new Error(`worker entry ${entry} does not exist; pass { entry }`);
  const entryDir = path.join(CACHE_ROOT, shortHash(`${entry}\0${config}`));
  await mkdir(entryDir, { recursive: true });
  const builds = await newestFirst(entryDir);
  for (const dir of builds) {
    if (!existsSync(path.join(dir, 'bundle.json'))) continue;
    const bundle = await readBundle(dir);
    if (await unchanged(bundle.inputs)) return bundle;
  }
  // Unique per build, so parallel test files never write into one folder.
  const outDir = await mkdtemp(path.join(entryDir, `${Date.now()}-`));
  try {
    await build(entry, config, outDir);
  } catch (error) {
    await rm(outDir, { recursive: true, force: true });
    throw error;
  }
  for (const stale of builds.slice(KEEP_BUILDS - 1)) await rm(stale, { recursive: true, force: true });
  return readBundle(outDir);
}

async function newestFirst(dir: string): Promise<string[]> {
  const names = (await readdir(dir)).filter((n) => /^\d+-/.test(n));
  return names.sort((a, b) => Number.parseInt(b, 10) - Number.parseInt(a, 10)).map((n) => path.join(dir, n));
}

async function readBundle(dir: string): Promise<WorkerBundle> {
  const bundle = JSON.parse(await readFile(path.join(dir, 'bundle.json'), 'utf8')) as WorkerBundle;
  return { ...bundle, dir };
}

async function mainFromConfig(config: string): Promise<string> {
  // Keyed by the config's content, so wrangler (slow to import) is loaded only when it changes.
  const cached = path.join(CACHE_ROOT, `main-${shortHash(await readFile(config, 'utf8'))}.txt`);
  if (existsSync(cached)) return readFile(cached, 'utf8');
  const { unstable_readConfig } = await import('wrangler');
  const main = unstable_readConfig({ config }).main;
  if (!main) throw new Error(`${config} has no main; pass { entry }`);
  const resolved = path.resolve(path.dirname(config), main);
  await mkdir(CACHE_ROOT, { recursive: true });
  await writeFile(cached, resolved);
  return resolved;
}

async function applyMigrations(mf: Miniflare, migrations: Migration[]): Promise<void> {
  if (migrations.length === 0) return;
  const db = await mf.getD1Database('DB');
  // Same bookkeeping table as `wrangler d1 migrations apply`, so either can follow the other.
  await db
    .prepare(
      `CREATE TABLE IF NOT EXISTS d1_migrations(id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL)`,
    )
    .run();
  for (const { name, statements } of migrations) {
    const record = db.prepare('INSERT INTO d1_migrations (name) VALUES (?)').bind(name);
    try {
      await db.batch([...statements.map((s) => db.prepare(s)), record]);
    } catch (error) {
      throw new Error(`migration ${name} failed: ${(error as Error).message}`, { cause: error });
    }
  }
}

/** Starts the worker in real workerd with local D1/R2 in a fresh temp folder, migrations applied. */
export async function startWorker(options: WorkerHarnessOptions = {}): Promise<WorkerHarness> {
  const bundle = await buildWorkerBundle(options);
  const persistDir = await mkdtemp(path.join(tmpdir(), 'graft-worker-state-'));
  const modules = await Promise.all(
    bundle.modules.map(async (m) => ({
      type: m.type,
      path: path.join(bundle.dir, m.path),
      contents: await readFile(path.join(bundle.dir, m.path)),
    })),
  );
  const mfOptions: MiniflareOptions = {
    modules,
    modulesRoot: bundle.dir,
    compatibilityDate: bundle.compatibilityDate,
    compatibilityFlags: bundle.compatibilityFlags,
    bindings: { ...bundle.vars, ADMIN_TOKEN: TEST_ADMIN_TOKEN, ...options.bindings },
    r2Buckets: bundle.r2Buckets,
    d1Databases: bundle.d1Databases,
    d1Persist: path.join(persistDir, 'd1'),
    r2Persist: path.join(persistDir, 'r2'),
    cachePersist: false,
    ...options.miniflare,
    // A test that sets one binding's limit keeps the config's other limiters (auth failures).
    ratelimits: { ...bundle.ratelimits, ...options.miniflare?.ratelimits },
  } as MiniflareOptions;
  const mf = new Miniflare(mfOptions);
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await mf.dispose();
    await rm(persistDir, { recursive: true, force: true });
  };
  try {
    const url = (await mf.ready).toString();
    if (!options.skipMigrations) {
      const dir = options.migrationsDir ? path.resolve(REPO_ROOT, options.migrationsDir) : bundle.migrationsDir;
      await applyMigrations(mf, await readMigrations(dir));
    }
    return {
      url,
      mf,
      bundle,
      fetch: async (p, init) =>
        (await mf.dispatchFetch(new URL(p, url), init as never)) as unknown as Response,
      d1Exec: async (sql, ...params) => {
        const db = await mf.getD1Database('DB');
        const { results } = await db.prepare(sql).bind(...params).all<Record<string, unknown>>();
        return results;
      },
      r2Put: async (key, bytes) => {
        const bucket = await mf.getR2Bucket('ARTIFACTS');
        await bucket.put(key, bytes);
      },
      r2Get: async (key) => {
        const bucket = await mf.getR2Bucket('ARTIFACTS');
        const object = await bucket.get(key);
        return object ? new Uint8Array(await object.arrayBuffer()) : null;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
