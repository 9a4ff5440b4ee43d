import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGraft } from '../helpers/run-graft';
import { AdapterManifest } from '../../core/schemas/adapter-manifest';
import { buildImageMobileNetV2, IMAGE_MOBILENETV2 } from '../../trainer/backbones/image-mobilenet-v2';
import { UsageError } from '../../trainer/cli/usage-error';
import { checkImageDataset } from '../../trainer/data/check-image-dataset';
import { loadImageDataset } from '../../trainer/data/load-image-dataset';
import { pixelsBlock } from '../../trainer/features/tenant-pixels';
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
    // Unseen images of both labels to evaluate on, and a set with a single image of each.
    await mkdir(path.join(dir, 'held-out', label), { recursive: true });
    for (let i = PER_LABEL; i < 2 * PER_LABEL; i++) await writeFile(path.join(dir, 'held-out', label, fileName(label, i)), sample(label, i));
    await mkdir(path.join(dir, 'one', label), { recursive: true });
    await writeFile(path.join(dir, 'one', label, fileName(label, 0)), sample(label, 0));
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

  it('names the file that is not an image, and refuses one-label, empty or missing-column data', async () => {
    await mkdir(path.join(dir, 'bad', 'a'), { recursive: true });
    await mkdir(path.join(dir, 'bad', 'b'), { recursive: true });
    await writeFile(path.join(dir, 'bad', 'a', '1.png'), 'not a png');
    await writeFile(path.join(dir, 'bad', 'b', '1.png'), sample('bag', 0));
    expect((await usageError(loadImageDataset(path.join(dir, 'bad')))).message).toMatch(/bad\/a\/1\.png.*not a JPEG or PNG/);
    await writeFile(path.join(dir, 'one.csv'), 'path,label\nfolder/bag/0.png,bag\nfolder/bag/1.png,bag\n');
    const dataset = await loadImageDataset(path.join(dir, 'one.csv'));
    expect(() => checkImageDataset(dataset, 1)).toThrow(/only one label/);
    await writeFile(path.join(dir, 'empty.csv'), 'path,label\n');
    expect((await usageError(loadImageDataset(path.join(dir, 'empty.csv')))).message).toMatch(/lists no images/);
    await writeFile(path.join(dir, 'cols.csv'), 'file,label\nfolder/bag/0.png,bag\n');
    expect((await usageError(loadImageDataset(path.join(dir, 'cols.csv')))).message).toMatch(/needs a "path"/);
  });
});

describe('graft train --backbone image-mobilenetv2', () => {
  const train = (data: string, out: string, ...flags: string[]) => runGraft('train', '--backbone', IMAGE_MOBILENETV2, '--data', data, '--out', out, '--seed', '3', '--json', ...flags);
  const manifestOf = async (out: string) => AdapterManifest.parse(JSON.parse(await readFile(path.join(out, 'manifest.json'), 'utf8')));

  it('trains the cross-validated image hybrid by default: byte-identical with --seed, export checked', async () => {
    const [a, b] = [path.join(dir, 'hybrid-a'), path.join(dir, 'hybrid-b')];
    for (const out of [a, b]) {
      const result = await train(path.join(dir, 'folder'), out);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
    }
    expect(Buffer.compare(await readFile(path.join(a, 'adapter.onnx')), await readFile(path.join(b, 'adapter.onnx')))).toBe(0);
    const manifest = await manifestOf(a);
    expect(manifest.labels).toEqual(['bag', 'sneaker']);
    expect(manifest.training).toMatchObject({ head: 'hybrid', evaluation: expect.stringMatching(/cross-validation/) });
    const backbone = { source: IMAGE_MOBILENETV2, sha256: expect.stringMatching(/^[0-9a-f]{64}$/), dim: 1280 };
    // Grey Fashion-MNIST pictures get a grey thumbnail; which blocks the head reads is cross-validation's call.
    expect([[backbone, pixelsBlock(1)], [backbone], [pixelsBlock(1)]]).toContainEqual(manifest.features);
    expect(manifest.training.export_max_abs_diff).toBeLessThanOrEqual(1e-5);
    expect(manifest.metrics.accuracy).toBe(1);
    expect(await readFile(path.join(a, 'report.html'), 'utf8')).toContain('Head selection');
  });

  it('trains on one image per label: the default mix, no held-out metrics', async () => {
    const out = path.join(dir, 'one-adapter');
    const result = await train(path.join(dir, 'one'), out);
    expect(result.code).toBe(0);
    const manifest = await manifestOf(out);
    expect(manifest.features.map((f) => f.source)).toEqual([IMAGE_MOBILENETV2, 'pixels']);
    expect(manifest.metrics).toEqual({});
    expect(manifest.training.evaluation).toMatch(/single image/);
    expect(JSON.parse(result.stdout).metrics).toBeNull();
  });

  it('keeps --head linear on the backbone block, which needs two images per label', async () => {
    const out = path.join(dir, 'linear');
    expect((await train(path.join(dir, 'folder'), out, '--head', 'linear')).code).toBe(0);
    expect((await manifestOf(out)).features).toEqual([{ source: IMAGE_MOBILENETV2, sha256: expect.stringMatching(/^[0-9a-f]{64}$/), dim: 1280 }]);
    const one = await train(path.join(dir, 'one'), path.join(dir, 'linear-one'), '--head', 'linear');
    expect(one.code).toBe(2);
    expect(one.stderr).toMatch(/^graft: .*fewer than 2 images — add at least 2 images per label/);
  });
});

describe('graft eval on images', () => {
  const adapter = () => path.join(dir, 'hybrid-a');

  it('scores an adapter on a folder of unseen images: accuracy, macro-F1, per class, confusion', async () => {
    const result = await runGraft('eval', adapter(), '--data', path.join(dir, 'held-out'), '--json');
    expect(result.code).toBe(0);
    const metrics = JSON.parse(result.stdout) as { examples: number; accuracy: number; macro_f1: number; per_class: Record<string, { support: number }>; confusion: number[][] };
    expect(metrics.examples).toBe(2 * PER_LABEL);
    expect(metrics.accuracy).toBeGreaterThan(0.8);
    expect(metrics.per_class.bag!.support).toBe(PER_LABEL);
    expect(metrics.confusion.flat().reduce((a, b) => a + b, 0)).toBe(2 * PER_LABEL);
    const text = await runGraft('eval', adapter(), '--data', path.join(dir, 'held-out'));
    expect(text.stdout).toMatch(/^accuracy \d\.\d{4} · macro-F1 \d\.\d{4} · 16 examples/);
    expect(text.stdout).toContain('confusion (rows: true, columns: predicted)');
  });

  it('takes a CSV of image paths, as train does, and gives the same numbers as the folder', async () => {
    const rows = ['path,label', ...['sneaker', 'bag'].flatMap((label) => Array.from({ length: PER_LABEL }, (_, i) => `held-out/${label}/${fileName(label, PER_LABEL + i)},${label}`))];
    await writeFile(path.join(dir, 'held-out.csv'), rows.join('\n') + '\n');
    const csv = JSON.parse((await runGraft('eval', adapter(), '--data', path.join(dir, 'held-out.csv'), '--json')).stdout) as { accuracy: number; confusion: number[][] };
    const folder = JSON.parse((await runGraft('eval', adapter(), '--data', path.join(dir, 'held-out'), '--json')).stdout) as { accuracy: number; confusion: number[][] };
    expect(csv.accuracy).toBe(folder.accuracy);
    expect(csv.confusion).toEqual(folder.confusion);
  });

  it('refuses bad input with one line naming the problem and the fix', async () => {
    await mkdir(path.join(dir, 'other', 'shoe'), { recursive: true });
    await writeFile(path.join(dir, 'other', 'shoe', '0.png'), sample('bag', 0));
    for (const [args, pattern] of [
      [['--data', path.join(dir, 'missing')], /missing/],
      [['--data', path.join(dir, 'other')], /labels the adapter does not know: shoe — evaluate on data labelled with bag, sneaker/],
      [['--data', path.join(dir, 'held-out'), '--text-column', 'text'], /classifies images; --text-column is for text adapters — drop --text-column/],
    ] as const) {
      const result = await runGraft('eval', adapter(), ...args);
      expect(result.code).toBe(2);
      expect(result.stderr.split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(/^graft: /);
      expect(result.stderr).toMatch(pattern);
    }
  });
});
