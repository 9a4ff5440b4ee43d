import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { BackboneManifest } from '../../core/schemas/backbone-manifest';
import { backboneObjects, type StorageObject } from '../../core/storage/backbone-objects';
import { KNOWN_BACKBONES } from '../../trainer/backbones/known-backbones';
import { readBackbone } from '../../trainer/backbones/load-backbone';
import { backboneDir } from '../../trainer/paths';

/** The manifest alone (no model read): enough to know which bytes a backbone would upload. */
export async function builtBackboneManifest(id: string): Promise<BackboneManifest> {
  return BackboneManifest.parse(JSON.parse(await readFile(path.join(backboneDir(id), 'manifest.json'), 'utf8')));
}

/** Every object the artifacts bucket needs for the built backbones, in write order (pointer last). */
export async function backboneUploads(ids: readonly string[] = KNOWN_BACKBONES): Promise<StorageObject[]> {
  const objects: StorageObject[] = [];
  for (const id of ids) {
    const backbone = await readBackbone(id);
    objects.push(...backboneObjects(backbone.manifest, backbone.model, Object.fromEntries(backbone.assets)));
  }
  return objects;
}
