import type { BackboneManifest } from '../schemas/backbone-manifest';
import { backboneManifestKey, backboneObjectKey, backbonePointerKey } from './keys';
import type { BackbonePointer } from './backbone-pointer';

export interface StorageObject {
  key: string;
  body: Uint8Array | string;
  contentType: string;
}

/**
 * Everything a backbone needs in the artifacts bucket, in the order to write it: model and
 * assets, then the manifest, and the `current.json` pointer last, so an edge that sees the
 * pointer always finds every object it names. Callers (infra scripts, tests) put these one by one
 * with whatever client they have.
 */
export function backboneObjects(
  manifest: BackboneManifest,
  model: Uint8Array,
  assets: Readonly<Record<string, Uint8Array | string>>,
): StorageObject[] {
  const { id, sha256 } = manifest;
  const objects: StorageObject[] = [
    { key: backboneObjectKey(id, sha256, manifest.file), body: model, contentType: 'application/octet-stream' },
  ];
  for (const asset of manifest.assets) {
    const body = assets[asset.path];
    if (body === undefined) throw new Error(`backbone ${id}: asset ${asset.path} is missing`);
    objects.push({ key: backboneObjectKey(id, sha256, asset.path), body, contentType: 'text/plain; charset=utf-8' });
  }
  objects.push({ key: backboneManifestKey(id, sha256), body: JSON.stringify(manifest), contentType: 'application/json' });
  const pointer: BackbonePointer = { sha256 };
  objects.push({ key: backbonePointerKey(id), body: JSON.stringify(pointer), contentType: 'application/json' });
  return objects;
}
