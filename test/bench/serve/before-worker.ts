import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, type BuildOptions } from '../../helpers/worker-harness';
import { CACHE_DIR } from './bench-models';

/**
 * The worker as last committed (`git archive <rev>` of functions/, core/ and the config), so a run
 * measures before and after its own changes on the same machine, minutes apart.
 */
export function committedWorker(rev = 'HEAD'): BuildOptions & { rev: string } {
  const sha = execFileSync('git', ['rev-parse', '--short', rev], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  const dir = path.join(CACHE_DIR, `worker-${sha}`);
  if (!existsSync(path.join(dir, 'wrangler.jsonc'))) {
    mkdirSync(dir, { recursive: true });
    const archive = execFileSync('git', ['archive', sha, 'functions', 'core', 'wrangler.jsonc', 'package.json', 'tsconfig.base.json'], { cwd: REPO_ROOT, maxBuffer: 1 << 28 });
    execFileSync('tar', ['-x', '-C', dir], { input: archive });
    symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  }
  return { rev: sha, entry: path.join(dir, 'functions/index.ts'), config: path.join(dir, 'wrangler.jsonc') };
}
