import * as tf from '@tensorflow/tfjs';
import { availableParallelism } from 'node:os';
import { beforeAll, describe, expect, it } from 'vitest';
import { errorsAgainstCpu } from '../testing/compare-with-cpu.js';
import { registerKtlabWasmOnce } from '../testing/ktlab-wasm-for-tests.js';
import { KTLAB_WASM_BACKEND, ktlabWasmRuntime, registerKtlabWasmBackend } from './ktlab-wasm-backend.js';

beforeAll(registerKtlabWasmOnce);

describe('ktlab-wasm backend', () => {
  it('runs XNNPACK with one thread per core (at least 2 where 2+ cores exist)', () => {
    const threads = ktlabWasmRuntime()?.threads;
    expect(threads).toBe(Math.min(availableParallelism(), 8));
    if (availableParallelism() >= 2) expect(threads).toBeGreaterThanOrEqual(2);
  });

  it('refuses a second pool with a different thread count', async () => {
    const threads = ktlabWasmRuntime()?.threads ?? 1;
    await expect(registerKtlabWasmBackend({ threads: threads === 1 ? 2 : 1 })).rejects.toThrow(/already running/);
  });

  it('rejects thread counts the module cannot provide', () => {
    expect(() => registerKtlabWasmBackend({ threads: 0 })).toThrow(/1\.\.8/);
    expect(() => registerKtlabWasmBackend({ threads: 9 })).toThrow(/1\.\.8/);
  });

  it('gives every weight gradient of a small conv net (conv, pool, dense, softmax loss) equal to the cpu backend', async () => {
    const shapes = {
      images: [3, 11, 11, 3],
      conv1: [5, 5, 3, 6],
      bias1: [6],
      conv2: [3, 3, 6, 5],
      bias2: [5],
      dense: [3 * 3 * 5, 4],
    };
    const specs = Object.values(shapes).map((shape, i) => ({ shape, seed: 10 + i }));
    const errors = await errorsAgainstCpu(KTLAB_WASM_BACKEND, specs, ([images, conv1, bias1, conv2, bias2, dense]) => {
      const labels = tf.oneHot(tf.tensor1d([0, 3, 1], 'int32'), 4);
      const loss = (w1: tf.Tensor, b1: tf.Tensor, w2: tf.Tensor, b2: tf.Tensor, wd: tf.Tensor) => {
        const h1: tf.Tensor4D = tf.maxPool(tf.relu(tf.add(tf.conv2d(images as tf.Tensor4D, w1 as tf.Tensor4D, 1, 'same'), b1) as tf.Tensor4D), 2, 2, 'valid');
        const h2 = tf.maxPool(tf.relu(tf.add(tf.conv2d(h1, w2 as tf.Tensor4D, [1, 1], 'same'), b2) as tf.Tensor4D), 2, 2, 'same');
        const logits = tf.matMul(tf.reshape(h2, [3, -1]), wd);
        return tf.losses.softmaxCrossEntropy(labels, logits) as tf.Scalar;
      };
      return tf.grads(loss)([conv1, bias1, conv2, bias2, dense]);
    });
    expect(errors).toHaveLength(5);
    for (const error of errors) expect(error).toBeLessThan(1e-5);
  });
});
