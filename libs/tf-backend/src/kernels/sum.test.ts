import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { errorsAgainstCpu } from '../testing/compare-with-cpu.js';
import { KTLAB_WASM_BACKEND, registerKtlabWasmOnce } from '../testing/ktlab-wasm-for-tests.js';
import { leadingReducedAxes } from './sum.js';

beforeAll(registerKtlabWasmOnce);

describe('leadingReducedAxes', () => {
  it('counts a prefix of axes and rejects everything else', () => {
    expect(leadingReducedAxes([0, 1, 2], 4)).toBe(3);
    expect(leadingReducedAxes([2, 0, 1, 1], 4)).toBe(3);
    expect(leadingReducedAxes([0], 2)).toBe(1);
    expect(leadingReducedAxes([1, 2], 4)).toBeUndefined();
    expect(leadingReducedAxes([0, 2], 3)).toBeUndefined();
    expect(leadingReducedAxes([0, 1], 2)).toBeUndefined();
    expect(leadingReducedAxes([], 3)).toBeUndefined();
  });
});

describe('Sum on ktlab-wasm equals the cpu backend', () => {
  const cases = [
    { shape: [3, 5, 7, 37], axis: [0, 1, 2], keepDims: false },
    { shape: [2, 4, 4, 64], axis: [0, 1, 2], keepDims: true },
    { shape: [4, 9, 3], axis: [0, 1], keepDims: false },
    { shape: [129, 20], axis: [0], keepDims: false },
    { shape: [5, 3], axis: [0], keepDims: true },
    { shape: [2, 3, 4, 5], axis: [1, 2], keepDims: false },
    { shape: [2, 3, 4, 5], axis: [-1], keepDims: true },
    { shape: [6, 7], axis: [0, 1], keepDims: false },
  ];
  it.each(cases)('shape $shape over axes $axis (keepDims $keepDims)', async ({ shape, axis, keepDims }) => {
    let outputShape: number[] = [];
    const [error] = await errorsAgainstCpu(KTLAB_WASM_BACKEND, [{ shape, seed: 31 }], ([x]) => {
      const sum = tf.sum(x, axis, keepDims);
      outputShape = sum.shape;
      return sum;
    });
    expect(error).toBeLessThan(1e-5);
    expect(outputShape).toEqual(tf.tidy(() => tf.sum(tf.zeros(shape), axis, keepDims).shape));
  });

  it.each(cases)('mean of shape $shape over axes $axis (keepDims $keepDims)', async ({ shape, axis, keepDims }) => {
    const [error] = await errorsAgainstCpu(KTLAB_WASM_BACKEND, [{ shape, seed: 33 }], ([x]) => tf.mean(x, axis, keepDims));
    expect(error).toBeLessThan(1e-5);
  });

  it('keeps float32 accuracy over 10⁵ rows (sums in float64)', async () => {
    const [error] = await errorsAgainstCpu(KTLAB_WASM_BACKEND, [{ shape: [50_001, 9], seed: 32 }], ([x]) => tf.sum(tf.add(x, 3), 0));
    expect(error).toBeLessThan(1e-6);
  });

  it('sums int32 tensors with the package kernel', async () => {
    await tf.setBackend(KTLAB_WASM_BACKEND);
    const total = tf.tidy(() => tf.sum(tf.tensor2d([[1, 2], [3, 4]], [2, 2], 'int32'), 0).arraySync());
    expect(total).toEqual([4, 6]);
  });
});
