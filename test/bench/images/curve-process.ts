/**
 * One dataset's learning curve, run by run-images-bench.ts in a process of its own (see
 * curves-in-parallel.ts): `tsx curve-process.ts <fashion-mnist|mnist> [--quick]` prints the points
 * as JSON on stdout; progress goes to stderr.
 */
import { loadBackbone, readBackbone } from '../../../trainer/backbones/load-backbone';
import { tfBackend } from '../../../trainer/runtime/tf-backend';
import type { MnistKind } from '../../helpers/mnist-data';
import { curveOptions, learningCurve } from './learning-curves';

// LR runs on the wasm backend; the CNN switches to the CPU backend for its convolution gradients.
process.env.GRAFT_TF_BACKEND ??= 'wasm';
const kind = process.argv[2] as MnistKind;
if (kind !== 'fashion-mnist' && kind !== 'mnist') throw new Error(`usage: curve-process.ts <fashion-mnist|mnist> [--quick], not ${kind}`);
await tfBackend();
const { embedder, release } = await loadBackbone(await readBackbone('image-mobilenetv2'));
const points = await learningCurve(kind, embedder, curveOptions(process.argv.includes('--quick')), (line) => process.stderr.write(`${line}\n`));
await release();
process.stdout.write(JSON.stringify(points));
