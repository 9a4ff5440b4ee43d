import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGraft } from '../helpers/run-graft';
import { AdapterManifest } from '../../core/schemas/adapter-manifest';
import { readLocalAdapter } from '../../trainer/adapters/local-adapter';
import { runHead } from '../../trainer/adapters/run-head';
import { adapterBackbones } from '../../trainer/adapters/adapter-backbones';
import { extractFeatures } from '../../trainer/features/extract-features';
import { writeSpamCsv } from '../helpers/spam-csv';

const ROOT = path.resolve(import.meta.dirname, '../..');


describe('graft train / eval', () => {
  let dir: string;
  let csv: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'graft-train-'));
    csv = path.join(dir, 'spam.csv');
    await writeSpamCsv(csv, 240);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  for (const head of ['hybrid', 'linear', 'mlp']) {
    it(`trains a ${head} head: same seed and data give identical adapter bytes`, async () => {
      const a = path.join(dir, `${head}-a`);
      const b = path.join(dir, `${head}-b`);
      expect((await runGraft('train', '--data', csv, '--out', a, '--head', head, '--seed', '7', '--json')).code).toBe(0);
      expect((await runGraft('train', '--data', csv, '--out', b, '--head', head, '--seed', '7', '--json')).code).toBe(0);
      const [first, second] = await Promise.all([readFile(path.join(a, 'adapter.onnx')), readFile(path.join(b, 'adapter.onnx'))]);
      expect(Buffer.compare(first, second)).toBe(0);

      const manifest = AdapterManifest.parse(JSON.parse(await readFile(path.join(a, 'manifest.json'), 'utf8')));
      expect(manifest.labels).toEqual(['ham', 'spam']);
      expect(manifest.training.head).toBe(head);
      // The exported ONNX, run by onnxruntime-node, against the trainer's own probabilities.
      expect(manifest.training.export_max_abs_diff).toBeLessThanOrEqual(1e-5);
      expect(manifest.metrics.accuracy).toBeGreaterThan(0.75);
      expect(manifest.metrics.confusion).toHaveLength(2);
      const report = await readFile(path.join(a, 'report.html'), 'utf8');
      expect(report).toContain('<svg');
      expect(report).toContain('confusion matrix');
      if (head === 'hybrid') {
        expect(report).toContain('Learning curve');
        expect(manifest.training.learning_curve).toHaveLength(4);
        expect(String(manifest.training.advice)).toMatch(/accuracy/i);
      }
    });
  }

  it('makes the cross-validated hybrid head the default', async () => {
    const out = path.join(dir, 'default');
    const result = await runGraft('train', '--data', csv, '--out', out, '--json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).head).toBe('hybrid');
    // An image backbone has a hybrid head too; a text CSV is then an image list without paths.
    const again = await runGraft('train', '--data', csv, '--out', path.join(dir, 'image-hybrid'), '--backbone', 'image-mobilenetv2', '--head', 'hybrid');
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/needs a "path" and a "label" column .* — write one row per image: path,label/);
  });

  it('evaluates an adapter with the metrics a user asks for, as text and JSON', async () => {
    const out = path.join(dir, 'hybrid-a');
    const json = await runGraft('eval', out, '--data', csv, '--json');
    expect(json.code, json.stderr).toBe(0);
    const metrics = JSON.parse(json.stdout);
    expect(metrics.examples).toBe(240);
    expect(metrics.per_class.spam.precision).toBeGreaterThan(0);
    expect(metrics.confusion.flat().reduce((a: number, b: number) => a + b, 0)).toBe(240);

    const adapter = await readLocalAdapter(out);
    const texts = (await import('../../trainer/data/load-text-dataset')).loadTextDataset;
    const dataset = await texts(csv);
    const features = await extractFeatures(adapter.manifest.features, dataset.examples.map((e) => e.text), (await adapterBackbones(adapter.manifest)).embedders, true);
    const probs = await runHead(adapter.model, features, dataset.examples.length);
    let correct = 0;
    dataset.examples.forEach((e, i) => {
      const predicted = probs[i * 2 + 1]! > probs[i * 2]! ? 'spam' : 'ham';
      if (predicted === e.label) correct++;
    });
    expect(metrics.accuracy).toBeCloseTo(correct / 240, 4);

    const text = await runGraft('eval', out, '--data', csv);
    expect(text.stdout).toMatch(/accuracy [01]\.\d{4}/);
    expect(text.stdout).toContain('confusion');
  });

  const bad: [string, (file: string) => Promise<string[]>, RegExp][] = [
    ['a missing file', async () => ['--data', path.join(dir, 'nope.csv')], /does not exist/],
    ['a missing column', async (f) => (await writeFile(f, 'body,label\nhello,a\nworld,b\n'), ['--data', f]), /column/],
    ['a single class', async (f) => (await writeFile(f, 'text,label\nhello,a\nworld,a\n'), ['--data', f]), /label|class/],
    ['a class with one example', async (f) => (await writeFile(f, 'text,label\nhello,a\nworld,a\nbye,b\n'), ['--data', f]), /fewer than 2|at least 2/],
    ['an empty text', async (f) => (await writeFile(f, 'text,label\nhello,a\n,a\nbye,b\nyo,b\n'), ['--data', f]), /empty/],
    ['invalid UTF-8', async (f) => (await writeFile(f, Buffer.concat([Buffer.from('text,label\nhe'), Buffer.from([0xff, 0xfe]), Buffer.from('llo,a\n')])), ['--data', f]), /UTF-8/],
    ['a 50 MB line', async (f) => (await writeFile(f, `text,label\n"${'x'.repeat(50 * 1024 * 1024)}",a\n`), ['--data', f]), /at most 100,000/],
    ['10,000 labels', async (f) => (await writeFile(f, 'text,label\n' + Array.from({ length: 20_000 }, (_, i) => `text ${i},label${i % 10_000}`).join('\n')), ['--data', f]), /labels/],
    ['an unknown backbone', async () => ['--data', csv, '--backbone', 'nope'], /unknown backbone/],
    ['an unknown head', async () => ['--data', csv, '--head', 'forest'], /--head/],
  ];
  for (const [what, make, message] of bad) {
    it(`rejects ${what} with one line and exit code 2, writing nothing`, async () => {
      const out = path.join(dir, `bad-${what.replace(/\W+/g, '-')}`);
      const args = await make(path.join(dir, `${what.replace(/\W+/g, '-')}.csv`));
      const result = await runGraft('train', ...args, '--out', out);
      expect(result.code).toBe(2);
      expect(result.stderr.split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).toContain(' — ');
      expect(existsSync(out)).toBe(false);
    });
  }

  it('exits 2 from the real binary and leaves no partial adapter when killed half-way', async () => {
    const run = (args: string[]) => spawn(process.execPath, [path.join(ROOT, 'bin/graft.js'), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const failing = run(['train', '--data', path.join(dir, 'nope.csv'), '--out', path.join(dir, 'x')]);
    let stderr = '';
    failing.stderr.on('data', (d) => (stderr += d));
    expect(await new Promise((resolve) => failing.on('close', resolve))).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);

    const out = path.join(dir, 'killed');
    const child = run(['train', '--data', csv, '--out', out, '--head', 'mlp', '--epochs', '10000']);
    let progress = '';
    await new Promise<void>((resolve) => {
      child.stderr.on('data', (d: Buffer) => (progress += d.toString()).includes('graft train:') && resolve());
      child.on('close', () => resolve());
    });
    expect(progress).toContain('graft train:');
    child.kill('SIGKILL');
    await new Promise((resolve) => child.on('close', resolve));
    expect(existsSync(out)).toBe(false);
    expect((await readdir(dir)).filter((f) => f.startsWith('killed'))).toEqual([]);
  });
});
