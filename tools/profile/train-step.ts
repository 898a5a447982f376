/**
 * Where the time of one training step goes, by kernel: `npx tsx tools/profile/train-step.ts [--net alexnet|jigsaw]
 * [--batch 128] [--backend ktlab-wasm|cpu]`. Runs warm-up steps, then profiles one step with tf.profile and
 * prints kernels sorted by total time (wasm kernels are synchronous, so their wall time is their cost).
 */
import * as tf from '@tensorflow/tfjs';
import { Command } from 'commander';
import { z } from 'zod';
import { buildAlexNetStyleNet, buildJigsawSiameseNet, selectBackend, syntheticBatch, trainingStep } from '@ktlab/tf-backend';

const options = z
  .object({
    net: z.enum(['alexnet', 'jigsaw']),
    batch: z.coerce.number().int().positive(),
    backend: z.enum(['auto', 'tfjs-node-gpu', 'tfjs-node', 'ktlab-wasm', 'cpu']),
    warmup: z.coerce.number().int().min(0),
  })
  .parse(
    new Command()
      .option('--net <net>', 'alexnet or jigsaw', 'alexnet')
      .option('--batch <n>', 'images (puzzles) per step', '128')
      .option('--backend <name>', 'backend to profile', 'ktlab-wasm')
      .option('--warmup <n>', 'steps before the profiled one', '2')
      .parse()
      .opts(),
  );

const info = await selectBackend({ prefer: options.backend });
const net = options.net === 'alexnet' ? buildAlexNetStyleNet() : buildJigsawSiameseNet();
const optimizer = tf.train.sgd(0.01);
const { input, labels } = syntheticBatch(net, options.batch);
for (let i = 0; i < options.warmup; i++) await trainingStep(net, optimizer, input, labels);

const started = performance.now();
const profile = await tf.profile(() => trainingStep(net, optimizer, input, labels));
const stepMs = performance.now() - started;

const byKernel = new Map<string, { ms: number; calls: number }>();
for (const kernel of profile.kernels) {
  const entry = byKernel.get(kernel.name) ?? { ms: 0, calls: 0 };
  entry.ms += kernel.kernelTimeMs as number;
  entry.calls += 1;
  byKernel.set(kernel.name, entry);
}
const total = [...byKernel.values()].reduce((sum, e) => sum + e.ms, 0);
const rows = [...byKernel.entries()].sort((a, b) => b[1].ms - a[1].ms);
console.log(`${options.net}, batch ${options.batch}, backend ${info.name} (${info.threads} threads): step ${stepMs.toFixed(0)} ms (profiled), kernels ${total.toFixed(0)} ms`);
console.log(`${'kernel'.padEnd(28)}${'calls'.padStart(6)}${'ms'.padStart(10)}${'share'.padStart(8)}`);
for (const [name, { ms, calls }] of rows) {
  console.log(`${name.padEnd(28)}${String(calls).padStart(6)}${ms.toFixed(1).padStart(10)}${((100 * ms) / total).toFixed(1).padStart(7)}%`);
}
process.exit(0);
