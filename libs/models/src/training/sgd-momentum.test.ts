import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useCpuBackend } from '../testing/fixtures.js';
import { SgdMomentum } from './sgd-momentum.js';

beforeAll(useCpuBackend);

function variable(value: number[]): tf.Variable {
  return tf.variable(tf.tensor1d(value));
}

/** Runs `steps` updates of parameter `name` with gradient = constant g (fresh tensors each step, as real gradients are). */
function run(optimizer: SgdMomentum, name: string, v: tf.Variable, g: number[], steps: number, lr: number): number[] {
  for (let i = 0; i < steps; i++) {
    const gradient = tf.tensor1d(g);
    optimizer.step([{ name, variable: v, gradient }], lr);
    gradient.dispose();
  }
  return Array.from(v.dataSync());
}

describe('SgdMomentum', () => {
  it('applies the heavy-ball update v ← μv + g, w ← w − lr·v', () => {
    const w = variable([1, -2]);
    const values = run(new SgdMomentum({ momentum: 0.9, weightDecay: 0 }), 'fc/bias', w, [0.5, 1], 3, 0.1);
    // velocities: g, 1.9g, 2.71g → total step lr·5.61·g
    expect(values[0]).toBeCloseTo(1 - 0.1 * 5.61 * 0.5, 6);
    expect(values[1]).toBeCloseTo(-2 - 0.1 * 5.61 * 1, 6);
  });

  it('uses Nesterov momentum when asked', () => {
    const w = variable([1]);
    const [value] = run(new SgdMomentum({ momentum: 0.5, weightDecay: 0, nesterov: true }), 'fc/bias', w, [1], 2, 0.1);
    // step 1: v = 1, direction 1.5; step 2: v = 1.5, direction 1 + 0.75 = 1.75
    expect(value).toBeCloseTo(1 - 0.1 * (1.5 + 1.75), 6);
  });

  it('decays kernels (g + λw) but not biases or batch-norm parameters by default', () => {
    const optimizer = new SgdMomentum({ momentum: 0, weightDecay: 0.1 });
    const [kernel, bias, gamma] = [variable([2]), variable([2]), variable([2])];
    const gradient = tf.tensor1d([0]);
    optimizer.step(
      [
        { name: 'conv1/kernel', variable: kernel, gradient },
        { name: 'conv1/bias', variable: bias, gradient },
        { name: 'conv1_bn/gamma', variable: gamma, gradient },
      ],
      0.5,
    );
    expect(kernel.dataSync()[0]).toBeCloseTo(2 - 0.5 * 0.1 * 2, 6);
    expect(bias.dataSync()[0]).toBe(2);
    expect(gamma.dataSync()[0]).toBe(2);
  });

  it('resumes from saved momentum buffers exactly as an uninterrupted run', () => {
    const uninterrupted = variable([3]);
    run(new SgdMomentum(), 'fc/kernel', uninterrupted, [1], 4, 0.05);

    const resumed = variable([3]);
    const first = new SgdMomentum();
    run(first, 'fc/kernel', resumed, [1], 2, 0.05);
    const second = new SgdMomentum();
    second.setState(first.getState());
    run(second, 'fc/kernel', resumed, [1], 2, 0.05);
    expect(resumed.dataSync()[0]).toBeCloseTo(uninterrupted.dataSync()[0], 6);
    expect(resumed.dataSync()[0]).not.toBeCloseTo(3 - 4 * 0.05, 3); // momentum really mattered
  });

  it('rejects a bad learning rate, bad options and a restored buffer of the wrong shape', () => {
    const w = variable([1]);
    expect(() => new SgdMomentum().step([], Number.NaN)).toThrow(/learningRate/);
    expect(() => new SgdMomentum({ momentum: 1.5 })).toThrow(/momentum/);
    const optimizer = new SgdMomentum();
    optimizer.setState({ 'fc/kernel': tf.zeros([2]) });
    expect(() => run(optimizer, 'fc/kernel', w, [1], 1, 0.1)).toThrow(/'fc\/kernel' has shape \[2\] but the parameter has \[1\]/);
  });
});
