import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { errorsAgainstCpu } from '../testing/compare-with-cpu.js';
import { KTLAB_WASM_BACKEND, registerKtlabWasmOnce } from '../testing/ktlab-wasm-for-tests.js';
import { tileInto } from './tile.js';

beforeAll(registerKtlabWasmOnce);

describe('tileInto', () => {
  it('repeats along every axis in row-major order', () => {
    const out = new Int32Array(2 * 2 * 3);
    tileInto(Int32Array.from([1, 2, 3]), out, [1, 3], [4, 1]);
    expect([...out]).toEqual([1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3]);
    const grid = new Int32Array(4 * 6);
    tileInto(Int32Array.from([1, 2, 3, 4, 5, 6]), grid, [2, 3], [2, 2]);
    expect([...grid]).toEqual([1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6, 1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6]);
  });

  it('writes nothing for zero reps and rejects a reps length that does not match the rank', () => {
    const out = new Float32Array(0);
    expect(() => tileInto(Float32Array.from([1]), out, [1], [0])).not.toThrow();
    expect(() => tileInto(Float32Array.from([1]), out, [1], [1, 2])).toThrow(/2 reps for a rank-1/);
  });
});

describe('Tile on ktlab-wasm equals the cpu backend', () => {
  const cases = [
    { shape: [1, 1, 1, 16], reps: [128, 32, 32, 1] },
    { shape: [1, 1, 1, 7], reps: [3, 5, 2, 4] },
    { shape: [3, 1, 5], reps: [1, 4, 1] },
    { shape: [2, 3, 4, 5], reps: [1, 1, 1, 1] },
    { shape: [5], reps: [9] },
    { shape: [2, 1, 3, 1, 2], reps: [2, 3, 1, 2, 3] },
  ];
  it.each(cases)('shape $shape tiled $reps', async ({ shape, reps }) => {
    const [error] = await errorsAgainstCpu(KTLAB_WASM_BACKEND, [{ shape, seed: 41 }], ([x]) => tf.tile(x, reps));
    expect(error).toBe(0);
  });

  it('tiles int32 exactly and bool with the package kernel', async () => {
    await tf.setBackend(KTLAB_WASM_BACKEND);
    expect(tf.tidy(() => tf.tile(tf.tensor2d([[1, -2]], [1, 2], 'int32'), [2, 2]).arraySync())).toEqual([
      [1, -2, 1, -2],
      [1, -2, 1, -2],
    ]);
    expect(tf.tidy(() => tf.tile(tf.tensor1d([true, false], 'bool'), [2]).arraySync())).toEqual([1, 0, 1, 0]);
  });
});
