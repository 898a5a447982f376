import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { errorsAgainstCpu } from '../testing/compare-with-cpu.js';
import { KTLAB_WASM_BACKEND, registerKtlabWasmOnce } from '../testing/ktlab-wasm-for-tests.js';
import { collapseTranspose, planTranspose } from './transpose-plan.js';

beforeAll(registerKtlabWasmOnce);

describe('planTranspose', () => {
  it('merges axes that stay adjacent and drops size-1 axes', () => {
    expect(collapseTranspose([128, 16, 16, 64], [3, 1, 2, 0])).toEqual({ shape: [128, 256, 64], perm: [2, 1, 0] });
    expect(collapseTranspose([128, 16, 16, 64], [1, 2, 0, 3])).toEqual({ shape: [128, 256, 64], perm: [1, 0, 2] });
    expect(collapseTranspose([5, 1, 7], [2, 1, 0])).toEqual({ shape: [5, 7], perm: [1, 0] });
    expect(collapseTranspose([2, 3, 4], [0, 1, 2])).toEqual({ shape: [24], perm: [0] });
  });

  it('turns a kept innermost axis into run copies and a moved one into tiles', () => {
    expect(planTranspose([128, 16, 16, 64], [1, 2, 0, 3])).toEqual({ kind: 'copy', sizes: [1, 256, 128], strides: [0, 64, 16384], run: 64 });
    expect(planTranspose([4, 6], [1, 0])).toEqual({
      kind: 'tiles',
      outer: [1, 1],
      inStrides: [0, 0],
      outStrides: [0, 0],
      rows: 6,
      columns: 4,
      inStrideJ: 6,
      outStrideQ: 4,
    });
    expect(planTranspose([2, 3, 4, 5, 6, 7], [5, 3, 1, 4, 2, 0])).toBeUndefined();
  });

  it('rejects a perm that is not a permutation of the axes', () => {
    expect(() => planTranspose([2, 3], [0, 0])).toThrow(/not a permutation/);
    expect(() => planTranspose([2, 3], [1])).toThrow(/not a permutation/);
  });
});

describe('Transpose on ktlab-wasm equals the cpu backend', () => {
  const cases: { shape: number[]; perm: number[] }[] = [
    { shape: [7, 5], perm: [1, 0] },
    { shape: [33, 70], perm: [1, 0] },
    { shape: [1, 1], perm: [1, 0] },
    { shape: [6], perm: [0] },
    { shape: [3, 9, 7, 5], perm: [3, 1, 2, 0] },
    { shape: [5, 6, 7, 37], perm: [1, 2, 0, 3] },
    { shape: [3, 5, 7, 2], perm: [1, 2, 3, 0] },
    { shape: [4, 1, 9, 3], perm: [3, 1, 0, 2] },
    { shape: [2, 3, 4, 5], perm: [0, 3, 2, 1] },
    { shape: [2, 3, 4, 5], perm: [2, 0, 3, 1] },
    { shape: [3, 3, 5, 6], perm: [0, 1, 3, 2] },
    { shape: [2, 3, 2, 3, 2], perm: [4, 2, 0, 3, 1] },
    { shape: [2, 3, 2, 3, 2, 2], perm: [5, 3, 1, 4, 2, 0] },
  ];
  it.each(cases)('shape $shape, perm $perm', async ({ shape, perm }) => {
    const [error] = await errorsAgainstCpu(KTLAB_WASM_BACKEND, [{ shape, seed: 41 }], ([x]) => tf.transpose(x, perm));
    expect(error).toBe(0);
  });

  it('transposes int32 tensors exactly', async () => {
    await tf.setBackend(KTLAB_WASM_BACKEND);
    const values = Array.from({ length: 2 * 3 * 5 }, (_, i) => i * 7919 - 100_000);
    const result = tf.tidy(() => tf.transpose(tf.tensor3d(values, [2, 3, 5], 'int32'), [2, 0, 1]).arraySync());
    const expected = [0, 1, 2, 3, 4].map((k) => [0, 1].map((i) => [0, 1, 2].map((j) => values[(i * 3 + j) * 5 + k])));
    expect(result).toEqual(expected);
  });

  it('keeps the package kernel for bool tensors', async () => {
    await tf.setBackend(KTLAB_WASM_BACKEND);
    const result = tf.tidy(() => tf.transpose(tf.tensor2d([true, false, false, true, true, false], [2, 3], 'bool')).arraySync());
    expect(result).toEqual([[1, 1], [0, 1], [0, 0]]);
  });
});
