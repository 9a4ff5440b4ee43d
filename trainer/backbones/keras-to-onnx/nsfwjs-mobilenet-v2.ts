import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { KerasModelJson } from './keras-model-json';

export interface KerasSource {
  json: KerasModelJson;
  /** The weight shards concatenated in manifest order (still quantised). */
  weightData: Uint8Array;
  /** `nsfwjs@<version>`, for the backbone manifest. */
  package: string;
}

/**
 * nsfwjs ships its model as two UMD bundles: `model.min.js` exports the model.json object and
 * `group1-shard1of1.min.js` exports the weight bytes as one base64 string.
 */
export async function readNsfwjsMobileNetV2(): Promise<KerasSource> {
  const require = createRequire(import.meta.url);
  // The package's exports hide package.json and the model files; its main is dist/cjs/index.js.
  const root = path.resolve(path.dirname(require.resolve('nsfwjs')), '..', '..');
  const version = (JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;
  const dir = path.join(root, 'dist', 'models', 'mobilenet_v2');
  const json = KerasModelJson.parse(require(path.join(dir, 'model.min.js')));
  const shards = json.weightsManifest.flatMap((group) => group.paths);
  const parts = shards.map((shard) => {
    const base64: unknown = require(path.join(dir, `${shard}.min.js`));
    if (typeof base64 !== 'string') throw new Error(`nsfwjs shard ${shard} is not a base64 string`);
    return new Uint8Array(Buffer.from(base64, 'base64'));
  });
  const weightData = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    weightData.set(part, offset);
    offset += part.length;
  }
  return { json, weightData, package: `nsfwjs@${version}` };
}
