import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { errorsAgainstCpu } from '../testing/compare-with-cpu.js';
import { KTLAB_WASM_BACKEND, registerKtlabWasmOnce } from '../testing/ktlab-wasm-for-tests.js';

beforeAll(async () => {
  await registerKtlabWasmOnce();
});

describe('FusedBatchNorm, Relu and Square on ktlab-wasm equal the cpu backend', () => {
  it.each([
    { name: 'NHWC activations [5, 6, 7, 24]', shape: [5, 6, 7, 24] },
    { name: 'a channel count with a scalar tail [3, 4, 5]', shape: [3, 4, 5] },
    { name: 'more elements than one unit of work, odd count [3, 3001]', shape: [3, 3001] },
  ])('$name', async ({ shape }) => {
    const channels = shape[shape.length - 1]!;
    const errors = await errorsAgainstCpu(
      KTLAB_WASM_BACKEND,
      [
        { shape, seed: 51 },
        { shape: [channels], seed: 52 },
        { shape: [channels], seed: 53 },
        { shape: [channels], seed: 54 },
        { shape: [channels], seed: 55 },
      ],
      ([x, mean, variance, offset, scale]) => {
        const positiveVariance = tf.square(variance!);
        return [
          tf.batchNorm(x!, mean!, positiveVariance, offset, scale, 1e-3),
          tf.batchNorm(x!, mean!, positiveVariance, undefined, undefined, 1e-5),
          tf.relu(x!),
          tf.square(x!),
        ];
      },
    );
    for (const error of errors) expect(error).toBeLessThan(1e-5);
  });

  it('keeps NaN through ReLU, as the other backends do', async () => {
    await tf.setBackend(KTLAB_WASM_BACKEND);
    const values = Array.from(tf.relu(tf.tensor1d([-1, Number.NaN, 2, -0.5, 3])).dataSync());
    expect(values[0]).toBe(0);
    expect(values[1]).toBeNaN();
    expect(values.slice(2)).toEqual([2, 0, 3]);
  });
});
