import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

export interface BundleSize {
  files: { name: string; bytes: number }[];
  raw: number;
  gzip: number;
}

// What wrangler uploads: modules only, not source maps or its own metadata.
const UPLOADED = /\.(m?js|wasm|txt|html|bin|sql)$/;

/** Sizes of a `wrangler deploy --dry-run --outdir` output, gzip measured as wrangler does (all modules as one stream). */
export async function measureBundle(outDir: string): Promise<BundleSize> {
  const names = (await readdir(outDir)).filter((n) => UPLOADED.test(n)).sort();
  const contents = await Promise.all(names.map((n) => readFile(path.join(outDir, n))));
  const joined = Buffer.concat(contents);
  return {
    files: names.map((name, i) => ({ name, bytes: contents[i]!.length })),
    raw: joined.length,
    gzip: gzipSync(joined).length,
  };
}
