import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { errorsAgainstCpu } from '../testing/compare-with-cpu.js';
import { KTLAB_WASM_BACKEND, registerKtlabWasmOnce } from '../testing/ktlab-wasm-for-tests.js';
import { withConvRunOptions } from '../wasm/conv-team.js';

beforeAll(registerKtlabWasmOnce);

interface PoolCase {
  x: [number, number, number, number];
  filter: [number, number];
  strides: [number, number];
  pad: 'same' | 'valid';
}

const cases: PoolCase[] = [
  { x: [2, 8, 8, 4], filter: [2, 2], strides: [2, 2], pad: 'valid' },
  { x: [3, 9, 7, 5], filter: [2, 2], strides: [2, 2], pad: 'valid' },
  { x: [2, 9, 7, 6], filter: [2, 2], strides: [2, 2], pad: 'same' },
  { x: [1, 11, 10, 3], filter: [3, 3], strides: [2, 2], pad: 'same' },
  { x: [2, 10, 9, 17], filter: [3, 2], strides: [1, 2], pad: 'valid' },
  { x: [1, 7, 7, 1], filter: [3, 3], strides: [1, 1], pad: 'same' },
  { x: [2, 12, 12, 8], filter: [4, 4], strides: [3, 3], pad: 'same' },
  // More images than the kernel team has shares; the Jigsaw trunk's pool1 shape (15×15×96, 3×3/2 same).
  { x: [37, 15, 15, 12], filter: [3, 3], strides: [2, 2], pad: 'same' },
];

describe('MaxPoolGrad on ktlab-wasm equals the cpu backend', () => {
  it.each(cases)('x $x, window $filter, strides $strides, $pad', async (c) => {
    const y = tf.tidy(() => tf.maxPool(tf.zeros(c.x) as tf.Tensor4D, c.filter, c.strides, c.pad).shape);
    const [fromDistinct, fromTies] = await errorsAgainstCpu(
      KTLAB_WASM_BACKEND,
      [
        { shape: c.x, seed: 21 },
        { shape: y, seed: 22 },
      ],
      ([x, dy]) => {
        const gradient = tf.grad((input) => tf.maxPool(input as tf.Tensor4D, c.filter, c.strides, c.pad));
        // Rounded inputs put several equal maxima in most windows: the gradient goes to the first one only.
        return [gradient(x, dy), gradient(tf.round(x), dy)];
      },
    );
    expect(fromDistinct).toBeLessThan(1e-5);
    expect(fromTies).toBeLessThan(1e-5);
  });

  it('passes no gradient through windows that hold only −∞, and routes it around padding', async () => {
    const [error] = await errorsAgainstCpu(
      KTLAB_WASM_BACKEND,
      [
        { shape: [1, 6, 6, 5], seed: 23 },
        { shape: [1, 3, 3, 5], seed: 24 },
      ],
      ([x, dy]) => {
        const withInfinities = tf.where(tf.less(x, 0.3), tf.fill(x.shape, -Infinity), x);
        return tf.grad((input) => tf.maxPool(input as tf.Tensor4D, 2, 2, 'same'))(withInfinities, dy);
      },
    );
    expect(error).toBeLessThan(1e-5);
  });

  it('gives the same bits on one thread and split into many shares', async () => {
    await tf.setBackend(KTLAB_WASM_BACKEND);
    const x = tf.round(tf.randomNormal([23, 15, 15, 20], 0, 2, 'float32', 25)) as tf.Tensor4D;
    const dy = tf.randomNormal([23, 8, 8, 20], 0, 1, 'float32', 26) as tf.Tensor4D;
    const run = () => tf.tidy(() => tf.grad((input) => tf.maxPool(input as tf.Tensor4D, 3, 2, 'same'))(x, dy).dataSync() as Float32Array);
    const split = run();
    const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    expect(bytes(withConvRunOptions({ workers: 0 }, run)).equals(bytes(split))).toBe(true);
    expect(bytes(withConvRunOptions({ sharesPerThread: 11 }, run)).equals(bytes(split))).toBe(true);
    tf.dispose([x, dy]);
    await tf.setBackend('cpu');
  });
});
