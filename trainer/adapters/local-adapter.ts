import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { sha256Hex } from '../../core/hash/sha256';
import { AdapterManifest } from '../../core/schemas/adapter-manifest';
import { UsageError } from '../cli/usage-error';

export const ADAPTER_FILES = { model: 'adapter.onnx', manifest: 'manifest.json', report: 'report.html' } as const;

export interface LocalAdapter {
  dir: string;
  manifest: AdapterManifest;
  model: Uint8Array;
}

/** Reads an adapter folder written by `graft train`, checking the manifest and the model's hash. */
export async function readLocalAdapter(dir: string): Promise<LocalAdapter> {
  const manifestPath = path.join(dir, ADAPTER_FILES.manifest);
  let text: string;
  try {
    text = await readFile(manifestPath, 'utf8');
  } catch {
    throw new UsageError(`no adapter in ${dir} (${manifestPath} is missing)`, 'pass the --out folder of a finished `graft train`');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new UsageError(`${manifestPath} is not valid JSON`, 'retrain the adapter or restore the file');
  }
  const parsed = AdapterManifest.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UsageError(`${manifestPath}: ${issue.path.join('.') || 'manifest'}: ${issue.message}`, 'retrain the adapter or fix the manifest');
  }
  const model = new Uint8Array(await readFile(path.join(dir, ADAPTER_FILES.model)).catch(() => {
    throw new UsageError(`${dir} has a manifest but no ${ADAPTER_FILES.model}`, 'retrain the adapter');
  }));
  if (parsed.data.model && parsed.data.model.sha256 !== (await sha256Hex(model))) {
    throw new UsageError(`${dir}/${ADAPTER_FILES.model} does not match the manifest's sha256`, 'retrain the adapter');
  }
  return { dir, manifest: parsed.data, model };
}
