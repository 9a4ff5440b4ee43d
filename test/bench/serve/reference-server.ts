/**
 * What a user would build instead of Graft: a minimal `node:http` server running the same
 * backbone and head in onnxruntime-node (default CPU options), with the same core/ tokenization
 * and feature assembly. No auth, no validation, no storage. Run as its own process
 * (`node --import tsx reference-server.ts <adapter dir>…`); prints its URL on stdout.
 */
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { assembleFeatures } from '../../../core/features/assemble-features';
import { inputBatch, type InputBatch } from '../../../core/inputs/input-batch';
import { featureWidth, type AdapterManifest } from '../../../core/schemas/adapter-manifest';
import { loadBackbone, readBackbone } from '../../../trainer/backbones/load-backbone';
import { formatPredictions } from '../../../functions/serving/format-predictions';

const dirs = process.argv.slice(2);
const { embedder } = await loadBackbone(await readBackbone('text-glove-sif'));
const heads = new Map<string, { manifest: AdapterManifest; session: ort.InferenceSession }>();
for (const dir of dirs) {
  const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as AdapterManifest;
  heads.set(manifest.name, { manifest, session: await ort.InferenceSession.create(readFileSync(path.join(dir, 'adapter.onnx'))) });
}
const backbones = new Map([[embedder.manifest.id, embedder]]);

/** Heads given the same batch object share its backbone pass (the batch's memo). */
async function predict(name: string, batch: InputBatch, topK?: number) {
  const head = heads.get(name);
  if (!head) throw new Error(`no adapter ${name}`);
  const rows = batch.items.length;
  const features = await assembleFeatures(head.manifest.features, batch, backbones);
  const out = await head.session.run({ [head.session.inputNames[0]!]: new ort.Tensor('float32', features, [rows, featureWidth(head.manifest)]) });
  return { adapter: name, predictions: formatPredictions(head.manifest, out.probs!.data as Float32Array, rows, topK) };
}

interface Body {
  inputs: string[];
  top_k?: number;
  adapters?: string[];
}

/** One head per path, or several over one backbone pass, as the edge's two routes do. */
async function answer(url: string, body: Body): Promise<unknown> {
  const one = /^\/v1\/adapters\/([^/]+)\/predict$/.exec(url);
  if (one) return predict(one[1]!, inputBatch('text', body.inputs), body.top_k);
  const batch = inputBatch('text', body.inputs);
  const results = [];
  for (const name of body.adapters ?? []) results.push(await predict(name, batch, body.top_k));
  return { results };
}

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Body;
    // The HTTP path alone, for the bench's floor row: same body parsed, no model run.
    if (req.url === '/floor') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
      return;
    }
    answer(req.url ?? '', body).then(
      (result) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(result));
      },
      (error: unknown) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: String(error) }));
      },
    );
  });
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object') process.stdout.write(`http://127.0.0.1:${address.port}\n`);
});
