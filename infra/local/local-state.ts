import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { KNOWN_BACKBONES } from '../../trainer/backbones/known-backbones';
import { runWrangler } from '../wrangler/run-wrangler';
import { backboneUploads, builtBackboneManifest } from './backbone-uploads';
import { localPaths } from './local-paths';
import { readEdgeConfig } from './wrangler-config';

interface Stamp {
  migrations: string[];
  backbones: Record<string, string>;
}

async function wanted(): Promise<Stamp> {
  const names = existsSync(localPaths().migrations) ? (await readdir(localPaths().migrations)).filter((n) => n.endsWith('.sql')).sort() : [];
  const backbones: Record<string, string> = {};
  for (const id of KNOWN_BACKBONES) backbones[id] = (await builtBackboneManifest(id)).sha256;
  return { migrations: names, backbones };
}

async function readStamp(file: string): Promise<Stamp | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Stamp;
  } catch {
    return undefined;
  }
}

/** Puts every backbone object the local bucket lacks, through Miniflare on wrangler's own persist root. */
async function putBackbones(state: string, bucketName: string, say: (line: string) => void): Promise<void> {
  const { Miniflare } = await import('miniflare');
  // The same options `wrangler r2 object put --local` uses, so `wrangler dev` sees the same bucket;
  // one in-process instance instead of a wrangler process (seconds each) per object.
  const mf = new Miniflare({
    modules: true,
    script: 'export default { fetch: () => new Response(null, { status: 404 }) }',
    defaultPersistRoot: path.join(state, 'v3'),
    r2Buckets: { BUCKET: bucketName },
    cf: false,
  });
  try {
    const bucket = await mf.getR2Bucket('BUCKET');
    let put = 0;
    for (const object of await backboneUploads()) {
      const existing = await bucket.head(object.key);
      // Keys are content-addressed except the pointer, whose body is compared instead.
      if (existing && !object.key.endsWith('/current.json')) continue;
      if (existing && object.key.endsWith('/current.json')) {
        const current = await (await bucket.get(object.key))?.text();
        if (current === object.body) continue;
      }
      await bucket.put(object.key, object.body, { httpMetadata: { contentType: object.contentType } });
      put++;
    }
    say(put ? `put ${put} backbone object(s) into local R2` : 'local R2 already holds the backbones');
  } finally {
    await mf.dispose();
  }
}

/**
 * Brings `.graft/state` (local D1 and R2) up to date: pending migrations, missing backbone objects.
 * A stamp of what was provisioned lets a later start skip every check while nothing changed.
 */
export async function provisionLocalState(say: (line: string) => void): Promise<void> {
  const paths = localPaths();
  const want = await wanted();
  if (isDeepStrictEqual(await readStamp(paths.stateStamp), want)) {
    say('local D1 and R2 are up to date');
    return;
  }
  say('applying D1 migrations to local state …');
  await runWrangler(['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', paths.state, '--config', paths.wranglerConfig]);
  const config = await readEdgeConfig(paths.wranglerConfig);
  await putBackbones(paths.state, config.bucket, say);
  await writeFile(paths.stateStamp, JSON.stringify(want, null, 2) + '\n');
}
