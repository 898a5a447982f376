/**
 * Times the training kernels of the AlexNet-style net one layer shape at a time on ktlab-wasm:
 * `npx tsx tools/profile/kernel-shapes.ts [--batch 128] [--repeats 5]`. Prints the median ms and GFLOP/s of
 * the forward convolution, its filter and input gradients, and the dense layers' products, so a slow kernel
 * can be traced to the layer that makes it slow.
 */
import * as tf from '@tensorflow/tfjs';
import { Command } from 'commander';
import { pino } from 'pino';
import { z } from 'zod';
import { selectBackend } from '@ktlab/tf-backend';
import { median } from '../bench/support/statistics';

const options = z
  .object({ batch: z.coerce.number().int().positive(), repeats: z.coerce.number().int().positive() })
  .parse(new Command().option('--batch <n>', 'images per step', '128').option('--repeats <n>', 'timed runs per kernel', '5').parse().opts());

await selectBackend({ prefer: 'ktlab-wasm' }, pino({ level: 'silent' }));
const n = options.batch;


/** Median ms of `run` (its result is read back so asynchronous backends finish). */
function time(run: () => tf.Tensor): number {
  run().dataSync();
  const times: number[] = [];
  for (let i = 0; i < options.repeats; i++) {
    const started = performance.now();
    const result = run();
    result.dataSync();
    times.push(performance.now() - started);
    result.dispose();
  }
  return median(times);
}

const convLayers = [
  { name: 'conv1', x: [n, 32, 32, 3], filter: [5, 5, 3, 64] },
  { name: 'conv2', x: [n, 16, 16, 64], filter: [5, 5, 64, 128] },
  { name: 'conv3', x: [n, 8, 8, 128], filter: [3, 3, 128, 256] },
  { name: 'conv4', x: [n, 8, 8, 256], filter: [3, 3, 256, 256] },
] as const;

const row = (name: string, op: string, ms: number, flops: number) =>
  console.log(`${name.padEnd(8)}${op.padEnd(22)}${ms.toFixed(1).padStart(9)} ms${(flops / ms / 1e6).toFixed(1).padStart(9)} GFLOP/s`);

console.log(`batch ${n}, ${options.repeats} repeats, medians; load ${(await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ')}`);
for (const layer of convLayers) {
  const x = tf.randomNormal([...layer.x]) as tf.Tensor4D;
  const filter = tf.randomNormal([...layer.filter]) as tf.Tensor4D;
  const y = tf.conv2d(x, filter, 1, 'same');
  const flops = 2 * y.size * layer.filter[0] * layer.filter[1] * layer.filter[2];
  row(layer.name, 'Conv2D', time(() => tf.conv2d(x, filter, 1, 'same')), flops);
  const attrs = { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', dimRoundingMode: undefined };
  const run = (kernel: string, inputs: tf.NamedTensorMap, extra: tf.NamedAttrMap) =>
    tf.engine().runKernel(kernel, inputs, { ...attrs, ...extra } as unknown as tf.NamedAttrMap) as tf.Tensor;
  row(layer.name, 'Conv2DBackpropFilter', time(() => run('Conv2DBackpropFilter', { x, dy: y }, { filterShape: [...layer.filter] })), flops);
  if (layer.name !== 'conv1') {
    row(layer.name, 'Conv2DBackpropInput', time(() => run('Conv2DBackpropInput', { dy: y, filter }, { inputShape: [...layer.x] })), flops);
  }
  tf.dispose([x, filter, y]);
}
for (const [name, m, k, cols] of [['fc1', n, 4096, 512], ['fc2', n, 512, 10]] as const) {
  const x = tf.randomNormal([m, k]);
  const w = tf.randomNormal([k, cols]);
  const dy = tf.randomNormal([m, cols]);
  const flops = 2 * m * k * cols;
  row(name, 'x·w', time(() => tf.matMul(x, w)), flops);
  row(name, 'dy·wᵀ', time(() => tf.matMul(dy, w, false, true)), flops);
  row(name, 'xᵀ·dy', time(() => tf.matMul(x, dy, true, false)), flops);
  tf.dispose([x, w, dy]);
}
process.exit(0);
