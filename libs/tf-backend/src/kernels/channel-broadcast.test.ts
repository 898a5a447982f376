import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { errorsAgainstCpu } from '../testing/compare-with-cpu.js';
import { KTLAB_WASM_BACKEND, registerKtlabWasmOnce } from '../testing/ktlab-wasm-for-tests.js';
import { channelBroadcast } from './channel-broadcast.js';

beforeAll(async () => {
  await registerKtlabWasmOnce();
});

describe('channelBroadcast', () => {
  it('recognises a per-channel vector on either side, and nothing else', () => {
    expect(channelBroadcast([64, 11, 11, 24], [24])).toEqual({ full: 'a', rows: 64 * 11 * 11, channels: 24, scalar: false });
    expect(channelBroadcast([1, 1, 1, 24], [64, 11, 11, 24])).toEqual({ full: 'b', rows: 64 * 11 * 11, channels: 24, scalar: false });
    expect(channelBroadcast([64, 11, 11, 24], [])).toEqual({ full: 'a', rows: (64 * 11 * 11 * 24) / 16, channels: 16, scalar: true });
    expect(channelBroadcast([1], [4, 8])).toEqual({ full: 'b', rows: 2, channels: 16, scalar: true });
    expect(channelBroadcast([4, 5], [4, 5])).toBeUndefined();
    expect(channelBroadcast([4, 5], [4, 1])).toBeUndefined();
    expect(channelBroadcast([4, 5], [])).toBeUndefined(); // 20 elements: not whole rows of 16, the package runs it
    expect(channelBroadcast([5], [1, 1, 5])).toBeUndefined();
  });
});

describe('Add, Sub, Multiply and RealDiv with a channel vector equal the cpu backend', () => {
  const shapes: { name: string; full: number[]; vector: number[] }[] = [
    { name: 'batch-norm shape [6, 5, 5, 24] with [24]', full: [6, 5, 5, 24], vector: [24] },
    { name: 'a channel count with a scalar tail [7, 3, 5] with [1, 1, 5]', full: [7, 3, 5], vector: [1, 1, 5] },
    { name: 'one channel [9, 1] with [1]', full: [9, 1], vector: [1] },
    { name: 'a scalar with [6, 5, 5, 16]', full: [6, 5, 5, 16], vector: [] },
  ];
  it.each(shapes)('$name, vector on either side', async ({ full, vector }) => {
    const errors = await errorsAgainstCpu(
      KTLAB_WASM_BACKEND,
      [
        { shape: full, seed: 31 },
        { shape: vector, seed: 32 },
      ],
      ([x, v]) => {
        // Division by values near 0 would make the relative error meaningless: divide by 2 + v².
        const divisor = tf.add(tf.square(v!), 2);
        return [tf.add(x!, v!), tf.add(v!, x!), tf.sub(x!, v!), tf.sub(v!, x!), tf.mul(x!, v!), tf.mul(v!, x!), tf.div(x!, divisor), tf.div(divisor, x!)];
      },
    );
    for (const error of errors) expect(error).toBeLessThan(1e-6);
  });

  it('leaves other broadcasts, equal shapes and int32 to the package', async () => {
    const errors = await errorsAgainstCpu(
      KTLAB_WASM_BACKEND,
      [
        { shape: [4, 5], seed: 41 },
        { shape: [4, 1], seed: 42 },
        { shape: [4, 5], seed: 43 },
      ],
      ([x, column, y]) => [tf.mul(x!, column!), tf.sub(x!, y!), tf.add(x!, 1)],
    );
    for (const error of errors) expect(error).toBeLessThan(1e-6);
    await tf.setBackend(KTLAB_WASM_BACKEND);
    expect(Array.from(tf.mul(tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32'), tf.tensor1d([3, 5], 'int32')).dataSync())).toEqual([3, 10, 9, 20]);
  });
});
