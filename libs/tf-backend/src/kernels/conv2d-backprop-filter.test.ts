import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorsAgainstCpu } from '../testing/compare-with-cpu.js';
import { KTLAB_WASM_BACKEND, registerKtlabWasmOnce } from '../testing/ktlab-wasm-for-tests.js';
import { conv2DBackpropFilterConfig } from './conv2d-backprop-filter.js';

const TOLERANCE = 1e-5;

function filterGradient(x: tf.Tensor, dy: tf.Tensor, filterShape: number[], strides: [number, number], pad: 'same' | 'valid'): tf.Tensor {
  const attrs = { strides, pad, dataFormat: 'NHWC', dimRoundingMode: undefined, filterShape };
  return tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
}

/** Registered for the duration of these tests: one image and one output row per chunk, any channel count. */
const smallestChunks = conv2DBackpropFilterConfig(KTLAB_WASM_BACKEND, { engine: 'chunked', chunking: { bytes: 1, minImages: 1, minInChannels: 1 } });
const twoImageChunks = conv2DBackpropFilterConfig(KTLAB_WASM_BACKEND, { engine: 'chunked', chunking: { bytes: 1, minImages: 2, minInChannels: 1 } });
let registered: tf.KernelConfig | undefined;

function use(config: tf.KernelConfig): void {
  tf.unregisterKernel(config.kernelName, KTLAB_WASM_BACKEND);
  tf.registerKernel(config);
}

beforeAll(async () => {
  await registerKtlabWasmOnce();
  registered = tf.getKernel('Conv2DBackpropFilter', KTLAB_WASM_BACKEND);
});
afterAll(() => {
  if (registered) use(registered);
});

interface Case {
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: [number, number];
  pad: 'same' | 'valid';
}

const cases: Case[] = [
  { x: [1, 5, 5, 1], filter: [3, 3, 1, 1], strides: [1, 1], pad: 'same' },
  { x: [3, 8, 7, 3], filter: [5, 5, 3, 4], strides: [1, 1], pad: 'valid' },
  { x: [2, 9, 8, 5], filter: [3, 2, 5, 7], strides: [2, 2], pad: 'valid' },
  { x: [1, 8, 8, 17], filter: [5, 5, 17, 4], strides: [2, 2], pad: 'same' },
  { x: [5, 12, 10, 3], filter: [4, 4, 3, 2], strides: [3, 2], pad: 'valid' },
  { x: [3, 13, 13, 6], filter: [5, 5, 6, 9], strides: [1, 1], pad: 'same' },
  { x: [3, 7, 9, 5], filter: [7, 3, 5, 3], strides: [1, 3], pad: 'same' },
];

describe('Conv2DBackpropFilter on ktlab-wasm, XNNPACK engine split into many chunks, equals the cpu backend', () => {
  it.each(cases)('x $x, filter $filter, strides $strides, $pad', async (c) => {
    const y = tf.tidy(() => tf.conv2d(tf.zeros(c.x) as tf.Tensor4D, tf.zeros(c.filter) as tf.Tensor4D, c.strides, c.pad).shape);
    const specs = [
      { shape: c.x, seed: 51 },
      { shape: y, seed: 52 },
    ];
    const gradient = ([x, dy]: tf.Tensor[]) => filterGradient(x, dy, c.filter, c.strides, c.pad);
    for (const config of [smallestChunks, twoImageChunks]) {
      use(config);
      try {
        const [error] = await errorsAgainstCpu(KTLAB_WASM_BACKEND, specs, gradient);
        expect(error).toBeLessThan(TOLERANCE);
      } finally {
        if (registered) use(registered);
      }
    }
  });

  it('leaves no tensors behind', async () => {
    await tf.setBackend(KTLAB_WASM_BACKEND);
    use(smallestChunks);
    try {
      const x = tf.randomNormal([3, 9, 9, 4]);
      const dy = tf.randomNormal([3, 9, 9, 5]);
      filterGradient(x, dy, [3, 3, 4, 5], [1, 1], 'same').dispose();
      const before = tf.engine().backend.numDataIds();
      filterGradient(x, dy, [3, 3, 4, 5], [1, 1], 'same').dispose();
      expect(tf.engine().backend.numDataIds()).toBe(before);
      tf.dispose([x, dy]);
    } finally {
      if (registered) use(registered);
    }
  });
});
