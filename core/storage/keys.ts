/**
 * Object keys in the artifacts bucket (R2 at the edge, S3/R2 for Node tools). One module so the
 * worker, the provisioning scripts and the tests can never disagree on the layout.
 */

export const BACKBONES_PREFIX = 'backbones/';

/** `backbones/<id>/<sha256>/<file>`: immutable, addressed by the model's digest. */
export function backboneObjectKey(id: string, sha256: string, file: string): string {
  return `${BACKBONES_PREFIX}${id}/${sha256}/${file}`;
}

export function backboneManifestKey(id: string, sha256: string): string {
  return backboneObjectKey(id, sha256, 'manifest.json');
}

/** `backbones/<id>/current.json`: the one mutable object, naming the sha256 the edge serves. */
export function backbonePointerKey(id: string): string {
  return `${BACKBONES_PREFIX}${id}/current.json`;
}

/**
 * `adapters/<tenant>/<name>/<sha256>.onnx`. Content-addressed rather than numbered: the version
 * number is only known once the D1 commit succeeds, and the blob must exist before it. Two
 * uploads can then never write different bytes under one key, so no committed version's blob is
 * ever overwritten, and a failed commit leaves at most an orphan.
 */
export function adapterModelKey(tenant: string, name: string, sha256: string): string {
  return `adapters/${tenant}/${name}/${sha256}.onnx`;
}
