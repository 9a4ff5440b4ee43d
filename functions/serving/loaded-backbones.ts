import type { Embedder, LoadedEmbedder } from '../../core/backbones/backbone-routine';
import { sha256Hex } from '../../core/hash/sha256';
import { Problem } from '../problems';

interface Slot {
  sha256: string;
  ready: Promise<LoadedEmbedder>;
  /** Set once `ready` resolves, so warm requests skip awaiting it. */
  loaded?: LoadedEmbedder;
}

/**
 * Backbones resident in this isolate, one per id: the sha256 the catalog names.
 * Loaded on first use, never at module scope, so a cold isolate that only answers /healthz pays
 * nothing; a new sha256 for an id replaces (and frees) the old.
 */
export class LoadedBackbones {
  private readonly slots = new Map<string, Slot>();

  /** The embedder of these exact bytes, loaded by `load` the first time. */
  async embedder(id: string, sha256: string, load: () => Promise<LoadedEmbedder>): Promise<Embedder> {
    const current = this.slots.get(id);
    if (current?.sha256 === sha256) return (current.loaded ?? (await current.ready)).embedder;
    // Requests still embedding with an old ORT session finish first: runs are queued by the run lock.
    current?.ready.then((old) => old.release()).catch(() => undefined);
    const slot: Slot = { sha256, ready: load() };
    this.slots.set(id, slot);
    slot.ready.then(
      (done) => (slot.loaded = done),
      () => this.slots.get(id) === slot && this.slots.delete(id),
    );
    return (await slot.ready).embedder;
  }

  list(): { id: string; sha256: string }[] {
    return [...this.slots].filter(([, slot]) => slot.loaded).map(([id, { sha256 }]) => ({ id, sha256 }));
  }

  has(id: string, sha256: string): boolean {
    const slot = this.slots.get(id);
    return slot?.sha256 === sha256 && slot.loaded !== undefined;
  }
}

/** Backbones of every modality alike: ids are unique in the catalog. */
export const residentBackbones = new LoadedBackbones();

/** An R2 object of a backbone, refused unless its bytes hash to the catalog's sha256. */
export async function readVerified(bucket: R2Bucket, key: string, sha256: string): Promise<Uint8Array> {
  const object = await bucket.get(key);
  if (!object) throw new Problem('backbone_corrupt', `missing backbone object ${key}`);
  const bytes = new Uint8Array(await object.arrayBuffer());
  if ((await sha256Hex(bytes)) !== sha256) throw new Problem('backbone_corrupt', `backbone object ${key} does not match its sha256`);
  return bytes;
}
