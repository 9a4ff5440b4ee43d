import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, type BuildOptions } from '../../helpers/worker-harness';
import { CACHE_DIR, spamHead, type Adapter } from './bench-models';

/** `git archive <rev>` of the whole tree, sharing this checkout's packages and built backbones. */
function committedTree(rev: string): { sha: string; dir: string } {
  const sha = execFileSync('git', ['rev-parse', '--short', rev], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  const dir = path.join(CACHE_DIR, `tree-${sha}`);
  if (!existsSync(path.join(dir, 'bin', 'graft.js'))) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(path.join(dir, '.graft'), { recursive: true });
    const archive = execFileSync('git', ['archive', sha], { cwd: REPO_ROOT, maxBuffer: 1 << 28 });
    execFileSync('tar', ['-x', '-C', dir], { input: archive });
    symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules'));
    symlinkSync(path.join(REPO_ROOT, '.graft', 'backbones'), path.join(dir, '.graft', 'backbones'));
  }
  return { sha, dir };
}

/**
 * The worker as committed at `rev`, so a run measures before and after its own changes on the
 * same machine, minutes apart.
 */
export function committedWorker(rev = 'HEAD'): BuildOptions & { rev: string } {
  const { sha, dir } = committedTree(rev);
  return { rev: sha, entry: path.join(dir, 'functions/index.ts'), config: path.join(dir, 'wrangler.jsonc') };
}

/** The spam head as that revision's trainer exports it: a worker is compared on the heads of its day. */
export function committedSpamHead(rev: string): Promise<Adapter> {
  const { sha, dir } = committedTree(rev);
  return spamHead(dir, path.join(CACHE_DIR, `spam-head-${sha}`));
}
