import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { encode } from 'fast-png';
import type { Embedder } from '../../../core/backbones/backbone-routine';
import { inputBatch } from '../../../core/inputs/input-batch';
import { graftHome } from '../../../trainer/paths';
import { mnistClass, type MnistKind } from '../../helpers/mnist-data';

export interface MnistSplit {
  /** 28 × 28 grey bytes per image. */
  pixels: Uint8Array[];
  labels: number[];
}

/** Per class: the first `pool` samples to draw labelled sets from, and `test` later ones, disjoint. */
export function mnistSplits(kind: MnistKind, pool: number, test: number): { pool: MnistSplit; test: MnistSplit } {
  const out = { pool: { pixels: [], labels: [] } as MnistSplit, test: { pixels: [], labels: [] } as MnistSplit };
  for (let label = 0; label < 10; label++) {
    const samples = mnistClass(kind, label);
    for (const s of samples.slice(0, pool)) {
      out.pool.pixels.push(s);
      out.pool.labels.push(label);
    }
    // From the end of the class list: far from the pool, and the same set on every run.
    for (const s of samples.slice(samples.length - test)) {
      out.test.pixels.push(s);
      out.test.labels.push(label);
    }
  }
  return out;
}

/** 28 × 28 grey samples as the PNG files a tenant would upload. */
export function mnistPngs(pixels: readonly Uint8Array[]): Uint8Array[] {
  return pixels.map((p) => encode({ width: 28, height: 28, data: p, channels: 1, depth: 8 }));
}

/** Embeddings of 28 × 28 images through the full edge path: PNG bytes → core/image → backbone. */
export async function embedMnist(embedder: Embedder, key: string, pixels: readonly Uint8Array[]): Promise<Float32Array> {
  const dim = embedder.manifest.output.dim;
  const file = path.join(graftHome(), 'cache', 'bench-images', `${embedder.manifest.sha256.slice(0, 16)}-${key}.f32`);
  try {
    const bytes = await readFile(file);
    if (bytes.byteLength === pixels.length * dim * 4) return new Float32Array(bytes.buffer, bytes.byteOffset, pixels.length * dim).slice();
  } catch {
    // Not cached yet.
  }
  const out = new Float32Array(pixels.length * dim);
  for (let start = 0; start < pixels.length; start += 16) {
    const batch = mnistPngs(pixels.slice(start, start + 16));
    out.set(await embedder.embed(inputBatch('image', batch)), start * dim);
    if (start % 320 === 0) process.stderr.write(`  embedded ${start}/${pixels.length} (${key})\n`);
  }
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(`${file}.tmp`, new Uint8Array(out.buffer));
  await rename(`${file}.tmp`, file);
  return out;
}
