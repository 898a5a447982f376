import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { imagesToTensor } from '../features/uint8-images.js';
import { randomImages, useCpuBackend } from '../testing/fixtures.js';
import { regressionStep } from './regression-step.js';
import { SgdMomentum } from './sgd-momentum.js';

beforeAll(useCpuBackend);

/** A tiny conv student: conv → pool → flatten → dense regression head. */
function student(dims: number): tf.LayersModel {
  const input = tf.input({ shape: [8, 8, 3] });
  let x = tf.layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.flatten().apply(tf.layers.maxPooling2d({ poolSize: 2 }).apply(x)) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: tf.layers.dense({ units: dims, name: 'regression', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }).apply(x) as tf.SymbolicTensor });
}

describe('regressionStep', () => {
  it('lowers the squared error to fixed targets without leaking tensors', () => {
    const model = student(3);
    const x = imagesToTensor(randomImages(6, 8));
    const y = tf.tensor2d([1, -1, 0.5, 0, 2, -0.5, -1, 1, 0, 0.3, 0.3, 0.3, 1, 1, 1, -2, 0, 1], [6, 3]);
    const optimizer = new SgdMomentum({ weightDecay: 0 });
    const first = regressionStep(model, optimizer, x, y, 0.02);
    const tensors = tf.memory().numTensors;
    let last = first;
    for (let i = 0; i < 40; i++) last = regressionStep(model, optimizer, x, y, 0.05);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(last).toBeLessThan(first * 0.5);
  });

  it('names a mismatch between the head and the targets', () => {
    expect(() => regressionStep(student(3), new SgdMomentum(), imagesToTensor(randomImages(1, 8)), tf.zeros([1, 4]) as tf.Tensor2D, 0.1)).toThrow(/targets have 4 dims/);
  });
});
