import { limitFromVar } from '../../core/limits/edge-limits';
import type { Env } from '../env';
import { ORPHAN_GRACE_MS, ORPHAN_LIST_KEYS, ORPHAN_PAGES_PER_RUN } from '../limits';
import { referencedBlobKeys } from '../stores/adapters-store';
import { ADAPTERS_PREFIX, parseAdapterBlobKey, type AdapterBlobKey } from './adapter-blob-key';
import { readCollectorCursor, writeCollectorCursor } from './collector-cursor';

export interface CollectReport {
  listed: number;
  /** Keys deleted this run. */
  collected: string[];
  /** Adapter blobs younger than ORPHAN_GRACE_MS, left for a later run. */
  young: number;
  referenced: number;
  /** Where the next run starts listing; null once the run reached the end of `adapters/`. */
  resumeAfter: string | null;
}

/**
 * Deletes adapter blobs that no servable version references (failed commits, deleted adapters),
 * in at most ORPHAN_PAGES_PER_RUN list pages, resuming where the previous run stopped. Never
 * touches a blob younger than ORPHAN_GRACE_MS at `nowMs` or one any servable version names, nor
 * any key outside the adapter layout. Running it again deletes nothing it kept.
 */
export async function collectOrphans(env: Env, nowMs: number): Promise<CollectReport> {
  const limit = limitFromVar(env.ORPHAN_LIST_KEYS, ORPHAN_LIST_KEYS);
  const pages = limitFromVar(env.ORPHAN_PAGES_PER_RUN, ORPHAN_PAGES_PER_RUN);
  const oldest = nowMs - ORPHAN_GRACE_MS;
  const report: CollectReport = { listed: 0, collected: [], young: 0, referenced: 0, resumeAfter: await readCollectorCursor(env.ARTIFACTS) };
  for (let page = 0; page < pages; page++) {
    const startAfter = report.resumeAfter;
    const listed = await env.ARTIFACTS.list({ prefix: ADAPTERS_PREFIX, limit, ...(startAfter ? { startAfter } : {}) });
    report.listed += listed.objects.length;
    const old: AdapterBlobKey[] = [];
    for (const object of listed.objects) {
      const blob = parseAdapterBlobKey(object.key);
      if (!blob) continue;
      if (object.uploaded.getTime() > oldest) report.young++;
      else old.push(blob);
    }
    const referenced = await referencedBlobKeys(env.DB, old);
    report.referenced += referenced.size;
    const orphans = old.filter((b) => !referenced.has(b.key)).map((b) => b.key);
    if (orphans.length > 0) await env.ARTIFACTS.delete(orphans);
    report.collected.push(...orphans);
    const last = listed.objects.at(-1)?.key;
    report.resumeAfter = listed.truncated && last ? last : null;
    if (report.resumeAfter === null) break;
  }
  await writeCollectorCursor(env.ARTIFACTS, report.resumeAfter);
  return report;
}
