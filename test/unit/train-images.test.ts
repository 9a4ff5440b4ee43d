import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGraft } from '../helpers/run-graft';
import { AdapterManifest } from '../../core/schemas/adapter-manifest';
import { buildImageMobileNetV2, IMAGE_MOBILENETV2 } from '../../trainer/backbones/image-mobilenet-v2';
import { UsageError } from '../../trainer/cli/usage-error';
import { loadImageDataset } from '../../trainer/data/load-image-dataset';
import { backboneDir } from '../../trainer/paths';
import { writeS3Object } from '../../trainer/storage/s3-folder';
import { encodeJpeg, pngBytes } from '../helpers/image-fixtures';
import { mnistClass, upscaleGrey } from '../helpers/mnist-data';
import { startS3Server, type S3TestServer } from '../helpers/s3-server';

const PER_LABEL = 8;
let dir: string;
let server: S3TestServer;


async function usageError(promise: Promise<unknown>): Promise<UsageError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(UsageError);
  return error as UsageError;
}

/** Fashion-MNIST sneakers (7) as JPEG and bags (8) as PNG, 56 × 56. */
function sample(label: 'sneaker' | 'bag', i: number): Uint8Array {
  const img = upscaleGrey(mnistClass('fashion-mnist', label === 'sneaker' ? 7 : 8)[i]!, 2);
  return label === 'sneaker' ? encodeJpeg(img.width, img.height, img.data) : pngBytes({ width: img.width, height: img.height, data: img.data, channels: 3, depth: 8 });
}
const fileName = (label: string, i: number) => `${i}.${label === 'sneaker' ? 'jpg' : 'png'}`;

beforeAll(async () => {
  if (!existsSync(path.join(backboneDir(IMAGE_MOBILENETV2), 'manifest.json'))) await buildImageMobileNetV2(backboneDir(IMAGE_MOBILENETV2));
  dir = await mkdtemp(path.join(tmpdir(), 'graft-images-'));
  for (const label of ['sneaker', 'bag'] as const) {
    await mkdir(path.join(dir, 'folder', label), { recursive: true });
    for (let i = 0; i < PER_LABEL; i++) await writeFile(path.join(dir, 'folder', label, fileName(label, i)), sample(label, i));
  }
  server = await startS3Server(['graft-test']);
});
afterAll(async () => {
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('image datasets', () => {
  it('loads a folder of label subfolders', async () => {
    const dataset = await loadImageDataset(path.join(dir, 'folder'));
    expect(dataset.labels).toEqual(['bag', 'sneaker']);
    expect(dataset.examples).toHaveLength(2 * PER_LABEL);
    expect((await loadImageDataset(path.join(dir, 'folder'))).sha256).toBe(dataset.sha256);
  });

  it('loads a CSV of relative, absolute and s3:// paths', async () => {
    await writeS3Object('s3://graft-test/imgs/bag-0.png', sample('bag', 0), { endpoint: server.endpoint });
    const rows = ['path,label', 'folder/sneaker/0.jpg,sneaker', `${path.join(dir, 'folder', 'sneaker', '1.jpg')},sneaker`, 'folder/bag/1.png,bag', 's3://graft-test/imgs/bag-0.png,bag'];
    await writeFile(path.join(dir, 'list.csv'), rows.join('\n') + '\n');
    const dataset = await loadImageDataset(path.join(dir, 'list.csv'), { s3Endpoint: server.endpoint });
    expect(dataset.examples.map((e) => e.label)).toEqual(['sneaker', 'sneaker', 'bag', 'bag']);
    expect(dataset.examples[3]!.bytes).toEqual(sample('bag', 0));
  });

  it('loads a CSV stored on S3 whose relative paths are S3 keys beside it', async () => {
    for (let i = 0; i < 2; i++) {
      await writeS3Object(`s3://graft-test/set/sneaker-${i}.jpg`, sample('sneaker', i), { endpoint: server.endpoint });
      await writeS3Object(`s3://graft-test/set/bag-${i}.png`, sample('bag', i), { endpoint: server.endpoint });
    }
    const csv = 'path,label\nsneaker-0.jpg,sneaker\nsneaker-1.jpg,sneaker\nbag-0.png,bag\n./bag-1.png,bag\n';
    await writeS3Object('s3://graft-test/set/labels.csv', new TextEncoder().encode(csv), { endpoint: server.endpoint });
    const dataset = await loadImageDataset('s3://graft-test/set/labels.csv', { s3Endpoint: server.endpoint });
    expect(dataset.examples.map((e) => e.where)).toEqual(['s3://graft-test/set/sneaker-0.jpg', 's3://graft-test/set/sneaker-1.jpg', 's3://graft-test/set/bag-0.png', 's3://graft-test/set/bag-1.png']);
  });

  it('names the file that is not an image, and refuses one-label or missing-column data', async () => {
    await mkdir(path.join(dir, 'bad', 'a'), { recursive: true });
    await mkdir(path.join(dir, 'bad', 'b'), { recursive: true });
    await writeFile(path.join(dir, 'bad', 'a', '1.png'), 'not a png');
    await writeFile(path.join(dir, 'bad', 'b', '1.png'), sample('bag', 0));
    expect((await usageError(loadImageDataset(path.join(dir, 'bad')))).message).toMatch(/bad\/a\/1\.png.*not a JPEG or PNG/);
    await writeFile(path.join(dir, 'one.csv'), 'path,label\nfolder/bag/0.png,bag\nfolder/bag/1.png,bag\n');
    expect((await usageError(loadImageDataset(path.join(dir, 'one.csv')))).message).toMatch(/only one label/);
    await writeFile(path.join(dir, 'cols.csv'), 'file,label\nfolder/bag/0.png,bag\n');
    expect((await usageError(loadImageDataset(path.join(dir, 'cols.csv')))).message).toMatch(/needs a "path"/);
  });
});

describe('graft train --backbone image-mobilenetv2', () => {
  it('trains an adapter on an image folder, pinned to the image backbone', async () => {
    const out = path.join(dir, 'adapter');
    const result = await runGraft('train', '--backbone', IMAGE_MOBILENETV2, '--data', path.join(dir, 'folder'), '--out', out, '--seed', '3', '--json');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const manifest = AdapterManifest.parse(JSON.parse(await readFile(path.join(out, 'manifest.json'), 'utf8')));
    expect(manifest.labels).toEqual(['bag', 'sneaker']);
    expect(manifest.features).toEqual([{ source: IMAGE_MOBILENETV2, sha256: expect.stringMatching(/^[0-9a-f]{64}$/), dim: 1280 }]);
    expect(manifest.metrics.accuracy).toBe(1);
  });
});
