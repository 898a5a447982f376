import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KTLAB_WASM_BACKEND, registerKtlabWasmOnce } from '../testing/ktlab-wasm-for-tests.js';

beforeAll(async () => {
  await registerKtlabWasmOnce();
  await tf.setBackend(KTLAB_WASM_BACKEND);
});
afterAll(() => tf.setBackend('cpu'));

describe('Identity on ktlab-wasm', () => {
  it('shares the data and keeps it alive after the input is disposed', () => {
    const input = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
    const copies = tf.engine().runKernel('Identity', { x: input }, {}) as tf.Tensor;
    input.dispose();
    expect(copies.arraySync()).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(copies.shape).toEqual([2, 3]);
    copies.dispose();
  });

  it('frees the heap data once every sharer is disposed', () => {
    const backend = tf.engine().backend;
    const [bytesBefore, buffersBefore] = [tf.memory().numBytes, backend.numDataIds()];
    const engineBuffersBefore = tf.memory().numDataBuffers;
    const input = tf.randomNormal([64, 64]);
    const shared = tf.engine().runKernel('Identity', { x: input }, {}) as tf.Tensor;
    expect(tf.memory().numDataBuffers - engineBuffersBefore).toBe(1);
    expect(backend.numDataIds() - buffersBefore).toBe(1);
    input.dispose();
    expect(backend.numDataIds() - buffersBefore).toBe(1);
    shared.dispose();
    expect(backend.numDataIds()).toBe(buffersBefore);
    expect(tf.memory().numBytes).toBe(bytesBefore);
  });

  it('leaves a training variable intact when its identity is taken and the variable is reassigned', () => {
    const weights = tf.variable(tf.tensor1d([1, 2, 3]));
    const snapshot = tf.engine().runKernel('Identity', { x: weights }, {}) as tf.Tensor;
    weights.assign(tf.tensor1d([7, 8, 9]));
    expect(snapshot.arraySync()).toEqual([1, 2, 3]);
    expect(weights.arraySync()).toEqual([7, 8, 9]);
    tf.dispose([weights, snapshot]);
  });
});
