import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KTLAB_WASM_BACKEND, registerKtlabWasmOnce } from '../testing/ktlab-wasm-for-tests.js';
import { formatStepProfile, profileTrainingStep, type StepProfile } from './profile-step.js';

beforeAll(async () => {
  await registerKtlabWasmOnce();
  await tf.setBackend(KTLAB_WASM_BACKEND);
});
afterAll(() => tf.setBackend('cpu'));

describe('formatStepProfile', () => {
  it('lists kernels slowest first with shares and folds the small ones into one row', () => {
    const profile: StepProfile = {
      net: 'alexnet',
      batch: 4,
      stepMs: 105,
      kernelMs: 100,
      kernels: [
        { kernel: 'Conv2D', calls: 4, ms: 90 },
        { kernel: 'Relu', calls: 5, ms: 9.9 },
        { kernel: 'Reshape', calls: 3, ms: 0.06 },
        { kernel: 'Identity', calls: 2, ms: 0.04 },
      ],
      shapes: [
        { kernel: 'Conv2D', inputs: '[4,8,8,3] [3,3,3,8]', calls: 3, ms: 60 },
        { kernel: 'Conv2D', inputs: '[4,8,8,8] [3,3,8,8]', calls: 1, ms: 30 },
        { kernel: 'Relu', inputs: '[4,8,8,8]', calls: 5, ms: 9.9 },
        { kernel: 'Reshape', inputs: '[4,8,8,8] []', calls: 3, ms: 0.06 },
        { kernel: 'Identity', inputs: '[8]', calls: 2, ms: 0.04 },
      ],
    };
    const lines = formatStepProfile(profile, 0.01).split('\n');
    expect(lines[0]).toBe('alexnet, batch 4: step 105 ms (profiled), kernels 100 ms');
    expect(lines[2]).toMatch(/^Conv2D\s+4\s+90\.0\s+90\.0%$/);
    expect(lines[3]).toMatch(/^Relu\s+5\s+9\.9\s+9\.9%$/);
    expect(lines[4]).toMatch(/^other \(2 kernels\)\s+5\s+0\.1\s+0\.1%$/);
    expect(lines).toHaveLength(5);

    const byShape = formatStepProfile(profile, 0.01, true).split('\n');
    expect(byShape[2]).toMatch(/^Conv2D\s+3\s+60\.0\s+60\.0% {2}\[4,8,8,3\] \[3,3,3,8\]$/);
    expect(byShape[3]).toMatch(/^Conv2D\s+1\s+30\.0\s+30\.0% {2}\[4,8,8,8\] \[3,3,8,8\]$/);
    expect(byShape[5]).toMatch(/^other \(2 rows\)\s+5\s+0\.1\s+0\.1%$/);
    expect(byShape).toHaveLength(6);
  });
});

describe('profileTrainingStep', () => {
  it('times every kernel of one training step, the convolution gradients included', async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [12, 12, 3], filters: 4, kernelSize: 3, padding: 'same' }),
        tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }),
        tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same' }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 5 }),
      ],
    });
    const optimizer = tf.train.sgd(0.01);
    const input = tf.randomUniform([2, 12, 12, 3], 0, 1, 'float32', 3);
    const labels = tf.oneHot(tf.tensor1d([1, 4], 'int32'), 5);
    const step = () => {
      optimizer.minimize(() => tf.losses.softmaxCrossEntropy(labels, model.apply(input, { training: true }) as tf.Tensor) as tf.Scalar);
    };
    try {
      const profile = await profileTrainingStep('tiny', 2, step);
      const calls = (name: string) => profile.kernels.find((k) => k.kernel === name)?.calls;
      expect(profile.kernels.map((k) => k.kernel)).toEqual(expect.arrayContaining(['Conv2DBackpropFilter', 'Conv2DBackpropInput', 'MaxPoolGrad']));
      // tf.layers convolutions run fused (FusedConv2D) when their activation is linear.
      expect((calls('Conv2D') ?? 0) + (calls('FusedConv2D') ?? 0)).toBe(2);
      expect(calls('Conv2DBackpropFilter')).toBe(2);
      expect(profile.kernels.filter((k) => k.kernel.endsWith('__op'))).toEqual([]);
      expect(profile.kernelMs).toBeCloseTo(profile.kernels.reduce((sum, k) => sum + k.ms, 0), 6);
      // By shape: the two convolutions (and their gradients) are told apart, and the time is the same in all.
      expect(profile.shapes.filter((k) => k.kernel === 'Conv2DBackpropFilter').map((k) => k.inputs).sort()).toEqual(['[2,12,12,3] [2,12,12,4]', '[2,6,6,4] [2,6,6,8]']);
      expect(profile.shapes.reduce((sum, k) => sum + k.ms, 0)).toBeCloseTo(profile.kernelMs, 6);
      expect(profile).toMatchObject({ net: 'tiny', batch: 2 });
      for (let i = 1; i < profile.kernels.length; i++) expect(profile.kernels[i - 1].ms).toBeGreaterThanOrEqual(profile.kernels[i].ms);
    } finally {
      tf.dispose([input, labels]);
      optimizer.dispose();
      model.dispose();
    }
  }, 60_000);
});
