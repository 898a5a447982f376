/**
 * `npm run bench -- features [--images 2000] [--width 0.25] [--batch 100] [--backend auto|ktlab-wasm|cpu] [--repeats 3]`
 *
 * Forward throughput of extractFeatures (alexnetSmall at 32×32, conv4 max-pooled to 5×5, the paper's
 * clustering features) on decoded CIFAR-10 images, as the pipeline runs it (the model as built) and after
 * foldBatchNorm (not used by the pipeline, shown for what folding would give), against the same architecture in PyTorch
 * (peers/features.py: same widths, batch norm in eval mode, adaptive_max_pool2d). Random weights on both sides:
 * the cost does not depend on them. ktlab runs on the backend the pipeline selects (`selectBackend`: ktlab-wasm,
 * one thread per core, without tfjs-node); PyTorch gets the same thread count unless --threads says otherwise.
 * Medians over repeats. Last line: `features: ratio_vs_pytorch=<PyTorch time / ktlab time as the pipeline runs it>`
 * (`features: images_per_s=<ktlab>` without the peer).
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { Command } from 'commander';
import { pino } from 'pino';
import { describeCpuHost, selectBackend } from '@ktlab/tf-backend';
import { alexnetSmall, extractFeatures, foldBatchNorm, modelCost } from '@ktlab/models';
import { loadCifarSample } from './support/load-cifar-sample';
import { median } from './support/statistics';
import { PEER_PYTHON as PYTHON } from './support/peer-python';

const peerScript = fileURLToPath(new URL('./peers/features.py', import.meta.url));
const int = (v: string) => Number.parseInt(v, 10);

const options = new Command()
  .option('--images <n>', 'CIFAR-10 train images', int, 2000)
  .option('--width <x>', 'alexnetSmall widthMultiplier', Number.parseFloat, 0.25)
  .option('--batch <n>', 'images per forward pass', int, 100)
  .option('--backend <name>', 'tfjs backend: auto (as the pipeline), tfjs-node-gpu, tfjs-node, ktlab-wasm or cpu', 'auto')
  .option('--threads <n>', "torch threads (default: ktlab's thread count)", int)
  .option('--repeats <n>', 'timed repeats (the median is reported)', int, 3)
  .parse(process.argv)
  .opts<{ images: number; width: number; batch: number; backend: 'auto' | 'tfjs-node-gpu' | 'tfjs-node' | 'ktlab-wasm' | 'cpu'; threads?: number; repeats: number }>();

const backend = await selectBackend({ prefer: options.backend }, pino({ level: 'silent' }));
const torchThreads = options.threads ?? backend.threads;

const model = alexnetSmall({ inputSize: 32, numClasses: 10, widthMultiplier: options.width, hiddenUnits: [64, 64], seed: 1 });
const cost = modelCost(model);
console.log(
  `features bench: ${options.images} CIFAR-10 images, alexnetSmall ×${options.width} (${(cost.macsPerInput / 1e6).toFixed(1)} M MACs/image to fc8), ` +
    `conv4 → 5×5 grid, batch ${options.batch}, ${backend.name} (${backend.threads} threads), ${options.repeats} repeats, ${describeCpuHost()}`,
);
const images = await loadCifarSample('train', options.images);
const folded = await foldBatchNorm(model);
const warmUp = { ...images, count: Math.min(images.count, options.batch), data: images.data.subarray(0, options.batch * 32 * 32 * 3) };
let dims = 0;
async function timeExtraction(net: tf.LayersModel): Promise<number> {
  await extractFeatures(net, 'conv4', warmUp, { grid: [5, 5] });
  const seconds: number[] = [];
  for (let r = 0; r < options.repeats; r++) {
    const start = performance.now();
    dims = (await extractFeatures(net, 'conv4', images, { grid: [5, 5], batchSize: options.batch })).dims;
    seconds.push((performance.now() - start) / 1000);
  }
  return median(seconds);
}
const unfolded = await timeExtraction(model);
const ktlab = await timeExtraction(folded);

function peerUnavailable(): string | undefined {
  try {
    execFileSync(PYTHON, ['-c', 'import torch, numpy'], { stdio: 'pipe' });
    return undefined;
  } catch {
    return `torch peer unavailable: ${PYTHON} cannot import torch/numpy. Install with: apt-get install -y python3-torch python3-numpy`;
  }
}

let peer: { seconds: number; dims: number; version: string } | undefined;
const unavailable = peerUnavailable();
if (unavailable) {
  console.log(unavailable);
} else {
  const dir = await mkdtemp(join(tmpdir(), 'ktlab-bench-features-'));
  try {
    const raw = join(dir, 'images.u8');
    await writeFile(raw, images.data);
    const args = [peerScript, raw, String(images.count), String(options.width), String(options.batch), String(torchThreads), String(options.repeats)];
    const parsed = JSON.parse(execFileSync(PYTHON, args, { encoding: 'utf8' })) as { seconds: number[]; dims: number; version: string };
    peer = { seconds: median(parsed.seconds), dims: parsed.dims, version: parsed.version };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const rate = (s: number) => Math.round(images.count / s);
console.log('');
console.log('| side | dims | median s | images/s | 50k CIFAR-10 (s) |');
console.log('|---|---|---|---|---|');
console.log(`| ktlab extractFeatures, as the pipeline runs it (${backend.name}) | ${dims} | ${unfolded.toFixed(3)} | ${rate(unfolded)} | ${((50_000 * unfolded) / images.count).toFixed(0)} |`);
console.log(`| ktlab extractFeatures after foldBatchNorm, not used by the pipeline (${backend.name}) | ${dims} | ${ktlab.toFixed(3)} | ${rate(ktlab)} | ${((50_000 * ktlab) / images.count).toFixed(0)} |`);
if (peer) {
  console.log(`| PyTorch ${peer.version} (${torchThreads} thread${torchThreads > 1 ? 's' : ''}) | ${peer.dims} | ${peer.seconds.toFixed(3)} | ${rate(peer.seconds)} | ${((50_000 * peer.seconds) / images.count).toFixed(0)} |`);
  console.log(`\nspeed ratio ktlab/PyTorch: ${(peer.seconds / unfolded).toFixed(2)}× as the pipeline runs it, ${(peer.seconds / ktlab).toFixed(2)}× folded (>1 means ktlab is faster)`);
}
console.log(peer ? `features: ratio_vs_pytorch=${(peer.seconds / unfolded).toFixed(2)}` : `features: images_per_s=${rate(unfolded)}`);
