import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useCpuBackend } from '../testing/fixtures.js';
import { lossStep } from './loss-step.js';
import { SgdMomentum } from './sgd-momentum.js';

beforeAll(useCpuBackend);

describe('lossStep', () => {
  it('returns the loss before the update and moves the weights down its gradient', () => {
    // y = w·x with w = 0 and target 2x: loss (w·x − 2x)² = 4 at x = 1, gradient −4 w.r.t. w.
    const input = tf.input({ shape: [1] });
    const dense = tf.layers.dense({ units: 1, useBias: false, kernelInitializer: 'zeros', name: 'line' });
    const model = tf.model({ inputs: input, outputs: dense.apply(input) as tf.SymbolicTensor });
    const x = tf.tensor2d([[1]]);
    const loss = () => tf.losses.meanSquaredError(tf.mul(x, 2), model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar;
    const optimizer = new SgdMomentum({ weightDecay: 0 });
    const tensors = tf.memory().numTensors;
    expect(lossStep(model, optimizer, loss, 0.1)).toBeCloseTo(4, 6);
    expect(dense.getWeights()[0]!.dataSync()[0]).toBeGreaterThan(0);
    expect(lossStep(model, optimizer, loss, 0.1)).toBeLessThan(4);
    // Only the momentum buffer is new.
    expect(tf.memory().numTensors).toBe(tensors + 1);
  });
});
