import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { errorsAgainstCpu } from '../testing/compare-with-cpu.js';
import { KTLAB_WASM_BACKEND, registerKtlabWasmOnce } from '../testing/ktlab-wasm-for-tests.js';
import { withConvRunOptions } from '../wasm/conv-team.js';

const TOLERANCE = 1e-5;

type Pad = 'same' | 'valid' | [[0, 0], [number, number], [number, number], [0, 0]];

interface Case {
  batch: number;
  height: number;
  width: number;
  ci: number;
  co: number;
  filter: [number, number];
  stride: number;
  pad: Pad;
}

function padName(pad: Pad): string {
  return typeof pad === 'string' ? pad : `explicit ${pad[1].join(',')}/${pad[2].join(',')}`;
}

function outSize(size: number, filter: number, stride: number, pad: Pad, axis: 1 | 2): number {
  if (pad === 'same') return Math.ceil(size / stride);
  if (pad === 'valid') return Math.ceil((size - filter + 1) / stride);
  return Math.floor((size + pad[axis][0] + pad[axis][1] - filter) / stride) + 1;
}

/**
 * Cases over the odd shapes of the brief: batch 1 and 3, ci ∈ {1, 3, 5, 16}, co ∈ {1, 7, 8, 9, 24}, filters
 * 1×1, 3×3, 5×5, 2×3, strides 1 and 2, same / valid / explicit padding, images 1×1 … 13×11. Each value of
 * each axis is cycled with a different period, so every value meets many values of the other axes.
 */
function cases(): Case[] {
  const batches = [1, 3];
  const cis = [1, 3, 5, 16];
  const cos = [1, 7, 8, 9, 24];
  const filters: [number, number][] = [
    [1, 1],
    [3, 3],
    [5, 5],
    [2, 3],
  ];
  const strides = [1, 2];
  const sizes: [number, number][] = [
    [1, 1],
    [13, 11],
    [5, 7],
    [8, 8],
    [6, 9],
    [2, 3],
    [11, 13],
  ];
  const out: Case[] = [];
  for (let i = 0; out.length < 36; i++) {
    const filter = filters[i % 4];
    const [height, width] = sizes[i % 7];
    const padKind = i % 3;
    const pad: Pad =
      padKind === 0 ? 'same' : padKind === 1 ? 'valid' : [[0, 0], [(i >> 1) % filter[0], i % 2], [i % filter[1], (i >> 2) % 3], [0, 0]];
    const c: Case = { batch: batches[(i >> 1) % 2], height, width, ci: cis[i % 4 === 0 ? (i >> 2) % 4 : (i + 1) % 4], co: cos[i % 5], filter, stride: strides[(i >> 2) % 2], pad };
    if (outSize(height, filter[0], c.stride, pad, 1) < 1 || outSize(width, filter[1], c.stride, pad, 2) < 1) continue;
    out.push(c);
  }
  // Explicit extremes: a 1×1 image under a 5×5 'same' window, many pixel tails, the AlexNet shapes' channels.
  out.push({ batch: 3, height: 1, width: 1, ci: 16, co: 24, filter: [5, 5], stride: 1, pad: 'same' });
  out.push({ batch: 1, height: 3, width: 5, ci: 5, co: 9, filter: [2, 3], stride: 2, pad: 'valid' });
  out.push({ batch: 3, height: 8, width: 8, ci: 24, co: 64, filter: [5, 5], stride: 1, pad: 'same' });
  return out;
}

/** Conv2D, FusedConv2D (bias + ReLU), Conv2DBackpropInput and Conv2DBackpropFilter of one case. */
function allConvolutions(c: Case) {
  const filterShape: [number, number, number, number] = [c.filter[0], c.filter[1], c.ci, c.co];
  const outShape = [c.batch, outSize(c.height, c.filter[0], c.stride, c.pad, 1), outSize(c.width, c.filter[1], c.stride, c.pad, 2), c.co];
  const specs = [
    { shape: [c.batch, c.height, c.width, c.ci], seed: 11 },
    { shape: filterShape, seed: 12 },
    { shape: outShape, seed: 13 },
    { shape: [c.co], seed: 14 },
  ];
  const strides: [number, number] = [c.stride, c.stride];
  const compute = ([x, filter, dy, bias]: tf.Tensor[]) => [
    tf.conv2d(x as tf.Tensor4D, filter as tf.Tensor4D, strides, c.pad),
    tf.fused.conv2d({ x: x as tf.Tensor4D, filter: filter as tf.Tensor4D, strides, pad: c.pad, bias, activation: 'relu' }),
    tf.conv2dTranspose(dy as tf.Tensor4D, filter as tf.Tensor4D, [c.batch, c.height, c.width, c.ci], strides, c.pad),
    tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, {
      strides,
      pad: c.pad,
      dataFormat: 'NHWC',
      dimRoundingMode: undefined,
      filterShape,
    } as unknown as tf.NamedAttrMap) as tf.Tensor,
  ];
  return { specs, compute };
}

beforeAll(async () => {
  await registerKtlabWasmOnce();
});

describe('direct FMA convolutions on ktlab-wasm equal the cpu backend', () => {
  it.each(cases().map((c) => ({ ...c, name: `${c.batch}×${c.height}×${c.width}×${c.ci} * ${c.filter.join('×')}→${c.co}, stride ${c.stride}, ${padName(c.pad)}` })))(
    '$name',
    async (c) => {
      const { specs, compute } = allConvolutions(c);
      const [forward, fused, inputGradient, filterGradient] = await errorsAgainstCpu(KTLAB_WASM_BACKEND, specs, compute);
      expect(forward).toBeLessThan(TOLERANCE);
      expect(fused).toBeLessThan(TOLERANCE);
      expect(inputGradient).toBeLessThan(TOLERANCE);
      expect(filterGradient).toBeLessThan(TOLERANCE);
    },
  );
});

describe('direct FMA convolutions do not depend on the thread count', () => {
  it('1 thread, 2 threads and a different share split give bit-identical outputs', async () => {
    await tf.setBackend(KTLAB_WASM_BACKEND);
    const c: Case = { batch: 3, height: 13, width: 11, ci: 16, co: 24, filter: [3, 3], stride: 1, pad: 'same' };
    const { specs, compute } = allConvolutions(c);
    const inputs = specs.map((spec) => tf.randomNormal(spec.shape, 0, 1, 'float32', spec.seed));
    const run = () => tf.tidy(() => compute(inputs).map((t) => t.dataSync() as Float32Array));
    const oneThread = withConvRunOptions({ workers: 0 }, run);
    const allThreads = run();
    const manyShares = withConvRunOptions({ sharesPerThread: 13 }, run);
    tf.dispose(inputs);
    for (let i = 0; i < oneThread.length; i++) {
      expect(allThreads[i]).toEqual(oneThread[i]);
      expect(manyShares[i]).toEqual(oneThread[i]);
    }
  });

  it('leaves no tensors behind', async () => {
    await tf.setBackend(KTLAB_WASM_BACKEND);
    const c: Case = { batch: 1, height: 5, width: 7, ci: 3, co: 9, filter: [2, 3], stride: 1, pad: 'same' };
    const { specs, compute } = allConvolutions(c);
    const inputs = specs.map((spec) => tf.randomNormal(spec.shape, 0, 1, 'float32', spec.seed));
    tf.dispose(compute(inputs));
    const before = tf.engine().backend.numDataIds();
    tf.dispose(compute(inputs));
    expect(tf.engine().backend.numDataIds()).toBe(before);
    tf.dispose(inputs);
  });
});
