import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KTLAB_WASM_BACKEND, registerKtlabWasmOnce } from '../testing/ktlab-wasm-for-tests.js';

beforeAll(async () => {
  await registerKtlabWasmOnce();
  await tf.setBackend(KTLAB_WASM_BACKEND);
});
afterAll(() => tf.setBackend('cpu'));

describe('Cast on ktlab-wasm', () => {
  it('shares the data of a cast to the same dtype, and frees it once both are disposed', () => {
    const backend = tf.engine().backend;
    const buffersBefore = backend.numDataIds();
    const input = tf.tensor2d([[1.5, -2], [3, 4.25]]);
    const same = tf.cast(input, 'float32');
    expect(backend.numDataIds() - buffersBefore).toBe(1);
    input.dispose();
    expect(same.arraySync()).toEqual([[1.5, -2], [3, 4.25]]);
    expect(same.dtype).toBe('float32');
    same.dispose();
    expect(backend.numDataIds()).toBe(buffersBefore);
  });

  it('converts other dtypes as the package does', () => {
    const values = tf.tensor1d([1.7, -2.2, 0, 3.5]);
    expect(Array.from(tf.cast(values, 'int32').dataSync())).toEqual([1, -2, 0, 3]);
    expect(Array.from(tf.cast(tf.tensor1d([3, -1], 'int32'), 'float32').dataSync())).toEqual([3, -1]);
    const ints = tf.tensor1d([5, 6], 'int32');
    const sameInts = tf.cast(ints, 'int32');
    expect(sameInts.dtype).toBe('int32');
    expect(Array.from(sameInts.dataSync())).toEqual([5, 6]);
  });

  it('gives the ReLU gradient the cpu backend gives', () => {
    const x = tf.tensor1d([-1, 0.5, 0, 2, -0.25]);
    const dx = tf.grad((t: tf.Tensor) => tf.relu(t).mul(tf.tensor1d([1, 2, 3, 4, 5])).sum())(x);
    expect(Array.from(dx.dataSync())).toEqual([0, 2, 0, 4, 0]);
  });
});
