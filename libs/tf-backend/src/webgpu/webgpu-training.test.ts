/**
 * One SGD step of the pipeline's target nets (libs/models `alexnetSmall` and `vggSmall`: conv → batch norm →
 * ReLU blocks, 3×3/2 (2×2 for VGG) max pools, fc6/fc7 with dropout, softmax cross-entropy, momentum SGD) on webgpu equals
 * the same step on the cpu backend from the same weights and batch: loss, every updated weight and the batch-norm
 * moving statistics.
 *
 * The step is the pipeline's own: `trainStepAsync` (libs/models), which `fit` runs; the synchronous
 * `trainStep` reads the loss with dataSync, which tfjs-backend-webgpu cannot do under Node.
 */
import * as tf from '@tensorflow/tfjs';
import { alexnetSmall, imagesToTensor, SgdMomentum, trainStepAsync, vggSmall } from '@ktlab/models';
import { expect, it } from 'vitest';
import { relativeError } from '../testing/compare-with-cpu.js';
import { describeWebGpu, webGpuForTests, WEBGPU_BACKEND } from '../testing/webgpu-for-tests.js';

const gpu = await webGpuForTests();

const BATCH = 4;
const SIZE = 32;
const CLASSES = 10;

function images(): Uint8Array {
  const data = new Uint8Array(BATCH * SIZE * SIZE * 3);
  let state = 12345;
  for (let i = 0; i < data.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    data[i] = state >>> 24;
  }
  return data;
}

interface StepResult {
  loss: number;
  weights: Map<string, Float32Array>;
}

type Net = 'alexnet' | 'vgg';

function build(net: Net): tf.LayersModel {
  const options = { inputSize: SIZE, numClasses: CLASSES, widthMultiplier: 0.125, hiddenUnits: [32, 32], dropout: 0.5, seed: 5 };
  return net === 'alexnet' ? alexnetSmall(options) : vggSmall(options);
}

async function oneStep(net: Net, backend: string, initial?: Map<string, Float32Array>): Promise<StepResult> {
  if (!(await tf.setBackend(backend)) || tf.getBackend() !== backend) throw new Error(`backend ${backend} did not start`);
  const model = build(net);
  // The pipeline's dropout layers are unseeded; a seed makes both backends draw the same masks (tfjs draws them in JS).
  for (const layer of model.layers) if (layer.getClassName() === 'Dropout') (layer as unknown as { seed: number }).seed = 11;
  if (initial) model.setWeights(model.weights.map((w) => tf.tensor(initial.get(w.originalName)!, w.shape as number[])));
  const x = imagesToTensor({ data: images(), count: BATCH, height: SIZE, width: SIZE, channels: 3 });
  const labels = tf.tensor1d([0, 1, 2, 3].map((i) => (i * 7) % CLASSES), 'int32');
  const optimizer = new SgdMomentum({ momentum: 0.9, weightDecay: 5e-4 });
  const result: StepResult = { loss: await trainStepAsync(model, optimizer, x, labels, 0.05), weights: new Map() };
  for (const w of model.weights) result.weights.set(w.originalName, Float32Array.from(await w.read().data()));
  tf.dispose([x, labels]);
  model.dispose();
  return result;
}

describeWebGpu('a training step of the pipeline’s target nets on webgpu', gpu, () => {
  it.each(['alexnet', 'vgg'] as const)('%s: equals the cpu backend’s step: loss, updated weights, batch-norm statistics', async (net) => {
    await tf.setBackend('cpu');
    const initial = new Map<string, Float32Array>();
    {
      const model = build(net);
      for (const w of model.weights) initial.set(w.originalName, Float32Array.from(w.read().dataSync()));
      model.dispose();
    }
    const cpu = await oneStep(net, 'cpu', initial);
    const webgpu = await oneStep(net, WEBGPU_BACKEND, initial);
    await tf.setBackend('cpu');

    expect(Number.isFinite(cpu.loss)).toBe(true);
    expect(Math.abs(webgpu.loss - cpu.loss) / Math.abs(cpu.loss)).toBeLessThan(1e-5);
    let worst = { name: '', error: 0 };
    let changed = 0;
    for (const [name, expected] of cpu.weights) {
      const error = relativeError(expected, webgpu.weights.get(name)!);
      if (error > worst.error) worst = { name, error };
      if (relativeError(initial.get(name)!, expected) > 0) changed++;
    }
    console.log(`[webgpu] ${net} training step: loss cpu ${cpu.loss.toFixed(6)} webgpu ${webgpu.loss.toFixed(6)}; worst weight ${worst.name} ${worst.error.toExponential(1)}`);
    // Every weight (trainable and moving statistics) moved, and moved the same way on both backends.
    expect(changed).toBe(cpu.weights.size);
    expect(worst.error).toBeLessThan(1e-4);
  });
});
