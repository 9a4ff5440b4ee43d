import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ADAPTER_FILES, readLocalAdapter, type LocalAdapter } from '../../trainer/adapters/local-adapter';
import { downloadFolder } from '../../trainer/storage/s3-folder';

export interface AdapterFiles extends LocalAdapter {
  /** The manifest exactly as written by `graft train`, so the edge checks the bytes that were trained. */
  manifestText: string;
}

/** Reads an adapter from a folder or an `s3://bucket/prefix`, checked as `graft eval` checks it. */
export async function readAdapterSource(source: string, s3Endpoint?: string): Promise<AdapterFiles> {
  if (!source.startsWith('s3://')) return withText(await readLocalAdapter(source));
  const staging = await mkdtemp(path.join(tmpdir(), 'graft-push-'));
  try {
    await downloadFolder(source, staging, { endpoint: s3Endpoint });
    return { ...(await withText(await readLocalAdapter(staging))), dir: source };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

async function withText(adapter: LocalAdapter): Promise<AdapterFiles> {
  return { ...adapter, manifestText: await readFile(path.join(adapter.dir, ADAPTER_FILES.manifest), 'utf8') };
}

/** The multipart body of `PUT /v1/adapters/:name`. */
export function uploadForm(adapter: AdapterFiles): FormData {
  const form = new FormData();
  form.set('manifest', new Blob([adapter.manifestText], { type: 'application/json' }), ADAPTER_FILES.manifest);
  form.set('model', new Blob([adapter.model.slice()], { type: 'application/octet-stream' }), ADAPTER_FILES.model);
  return form;
}
