import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KTLAB_WASM_BACKEND, registerKtlabWasmOnce } from '../testing/ktlab-wasm-for-tests.js';
import { formatStepProfile, profileTrainingStep, type StepProfile } from './profile-step.js';
import { buildAlexNetStyleNet, syntheticBatch } from './reference-nets.js';

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
    };
    const lines = formatStepProfile(profile, 0.01).split('\n');
    expect(lines[0]).toBe('alexnet, batch 4: step 105 ms (profiled), kernels 100 ms');
    expect(lines[2]).toMatch(/^Conv2D\s+4\s+90\.0\s+90\.0%$/);
    expect(lines[3]).toMatch(/^Relu\s+5\s+9\.9\s+9\.9%$/);
    expect(lines[4]).toMatch(/^other \(2 kernels\)\s+5\s+0\.1\s+0\.1%$/);
    expect(lines).toHaveLength(5);
  });
});

describe('profileTrainingStep', () => {
  it('times every kernel of one AlexNet-style step, the convolution gradients included', async () => {
    const net = buildAlexNetStyleNet();
    const optimizer = tf.train.sgd(0.01);
    const { input, labels } = syntheticBatch(net, 2);
    try {
      const profile = await profileTrainingStep(net, optimizer, input, labels);
      const names = profile.kernels.map((k) => k.kernel);
      expect(names).toEqual(expect.arrayContaining(['Conv2D', 'Conv2DBackpropFilter', 'Conv2DBackpropInput', 'MaxPoolGrad']));
      expect(profile.kernels.find((k) => k.kernel === 'Conv2D')?.calls).toBe(4);
      expect(profile.kernels.find((k) => k.kernel === 'Conv2DBackpropInput')?.calls).toBe(3);
      expect(profile.kernelMs).toBeCloseTo(profile.kernels.reduce((sum, k) => sum + k.ms, 0), 6);
      expect(profile.batch).toBe(2);
      for (let i = 1; i < profile.kernels.length; i++) expect(profile.kernels[i - 1].ms).toBeGreaterThanOrEqual(profile.kernels[i].ms);
    } finally {
      tf.dispose([input, labels]);
      optimizer.dispose();
      net.dispose();
    }
  }, 60_000); // ~1 s on a quiet machine; a shared one under load takes several
});
