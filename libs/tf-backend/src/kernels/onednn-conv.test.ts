import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { layoutByShape, type OneDnnLayout } from '../native/onednn.js';
import { errorsAgainstCpu } from '../testing/compare-with-cpu.js';
import { allConvolutions, convolutionCases, padName, TOLERANCE, type ConvolutionCase } from '../testing/convolution-cases.js';
import { KTLAB_WASM_BACKEND, registerKtlabWasmOnce } from '../testing/ktlab-wasm-for-tests.js';
import { oneDnnForTests, type OneDnnForTests } from '../testing/onednn-for-tests.js';
import { ktlabWasmRuntime } from '../wasm/ktlab-wasm-backend.js';
import type { DirectConvGeometry } from './direct-conv.js';
import { activeNativeGemm, activeOneDnn, convEngineFor, oneDnnRunsConv, useNativeEngines, withConvEngine, withRowIndependentKernels } from './native-gemm-engine.js';

let native: OneDnnForTests = {};

beforeAll(async () => {
  await registerKtlabWasmOnce();
  native = await oneDnnForTests(ktlabWasmRuntime()?.threads ?? 1);
});

const name = (c: ConvolutionCase) => `${c.batch}×${c.height}×${c.width}×${c.ci} * ${c.filter.join('×')}→${c.co}, stride ${c.stride}, ${padName(c.pad)}`;

/** Runs `body` with every convolution on oneDNN in `layout`; `skip` when the host has no oneDNN (outside CI). */
async function onOneDnn(skip: (note: string) => void, body: () => Promise<void>, layout?: OneDnnLayout): Promise<void> {
  if (!native.dnn) {
    skip(native.skipped ?? 'no oneDNN');
    return;
  }
  await withConvEngine('onednn', { dnn: layout ? native.dnn.withLayout(layout) : native.dnn }, body);
}

/** The tensors' values, computed on ktlab-wasm from seeded inputs. */
function valuesOf(c: ConvolutionCase): Float32Array[] {
  const { specs, compute } = allConvolutions(c);
  const inputs = specs.map((spec) => tf.randomNormal(spec.shape, 0, 1, 'float32', spec.seed));
  const values = tf.tidy(() => compute(inputs).map((t) => t.dataSync() as Float32Array));
  tf.dispose(inputs);
  return values;
}

// 'plain' (oneDNN's own im2col + GEMM) is not used by ktlab: it measured slowest (README).
const LAYOUTS: OneDnnLayout[] = ['weights-any', 'any'];

describe('oneDNN convolutions on ktlab-wasm equal the cpu backend', () => {
  for (const layout of LAYOUTS) {
    it.for(convolutionCases().map((c) => ({ ...c, name: name(c) })))(`$name (${layout})`, async (c, context) => {
      await onOneDnn(
        context.skip,
        async () => {
          const { specs, compute } = allConvolutions(c);
          const [forward, fused, inputGradient, filterGradient] = await errorsAgainstCpu(KTLAB_WASM_BACKEND, specs, compute);
          expect(forward).toBeLessThan(TOLERANCE);
          expect(fused).toBeLessThan(TOLERANCE);
          expect(inputGradient).toBeLessThan(TOLERANCE);
          expect(filterGradient).toBeLessThan(TOLERANCE);
        },
        layout,
      );
    });
  }

  it('fuses a bias without an activation, and ReLU without a bias', async (context) => {
    await onOneDnn(context.skip, async () => {
      const errors = await errorsAgainstCpu(
        KTLAB_WASM_BACKEND,
        [
          { shape: [3, 9, 7, 5], seed: 31 },
          { shape: [3, 3, 5, 9], seed: 32 },
          { shape: [9], seed: 33 },
        ],
        ([x, filter, bias]) => [
          tf.fused.conv2d({ x: x as tf.Tensor4D, filter: filter as tf.Tensor4D, strides: 2, pad: 'same', bias }),
          tf.fused.conv2d({ x: x as tf.Tensor4D, filter: filter as tf.Tensor4D, strides: 1, pad: 'valid', activation: 'relu' }),
        ],
      );
      for (const error of errors) expect(error).toBeLessThan(TOLERANCE);
    });
  });

  it('gives the same bits when a call is repeated (fixed thread count)', async (context) => {
    await onOneDnn(context.skip, async () => {
      await tf.setBackend(KTLAB_WASM_BACKEND);
      const c: ConvolutionCase = { batch: 6, height: 17, width: 15, ci: 24, co: 40, filter: [3, 3], stride: 2, pad: 'same' };
      const first = valuesOf(c);
      const second = valuesOf(c);
      for (let i = 0; i < first.length; i++) expect(Buffer.from(second[i].buffer).equals(Buffer.from(first[i].buffer))).toBe(true);
    });
  });

  it('keeps no garbage in the shared reorder buffers: a small odd-channel call after a large one full of NaN', async (context) => {
    await onOneDnn(
      context.skip,
      async () => {
        await tf.setBackend(KTLAB_WASM_BACKEND);
        const big: ConvolutionCase = { batch: 4, height: 12, width: 12, ci: 40, co: 56, filter: [3, 3], stride: 1, pad: 'same' };
        const { specs, compute } = allConvolutions(big);
        tf.tidy(() => compute(specs.map((spec) => tf.fill(spec.shape, Number.NaN))).forEach((t) => t.dataSync()));
        const small: ConvolutionCase = { batch: 2, height: 5, width: 6, ci: 5, co: 7, filter: [3, 3], stride: 2, pad: 'same' };
        const errors = await errorsAgainstCpu(KTLAB_WASM_BACKEND, allConvolutions(small).specs, allConvolutions(small).compute);
        for (const error of errors) expect(error).toBeLessThan(TOLERANCE);
      },
      'any',
    );
  });

  it('leaves no tensors behind', async (context) => {
    await onOneDnn(context.skip, async () => {
      await tf.setBackend(KTLAB_WASM_BACKEND);
      const c: ConvolutionCase = { batch: 2, height: 5, width: 7, ci: 3, co: 9, filter: [2, 3], stride: 2, pad: 'same' };
      const { specs, compute } = allConvolutions(c);
      const inputs = specs.map((spec) => tf.randomNormal(spec.shape, 0, 1, 'float32', spec.seed));
      tf.dispose(compute(inputs));
      const before = tf.engine().backend.numDataIds();
      tf.dispose(compute(inputs));
      expect(tf.engine().backend.numDataIds()).toBe(before);
      tf.dispose(inputs);
    });
  });
});

describe('feature extraction on oneDNN (withRowIndependentKernels)', () => {
  const geometry = (batch: number, size: number, ci: number, co: number): DirectConvGeometry => ({
    batch, inHeight: size, inWidth: size, inChannels: ci, outHeight: size, outWidth: size, outChannels: co,
    filterHeight: 3, filterWidth: 3, strideHeight: 1, strideWidth: 1, padTop: 1, padLeft: 1,
  });

  it('sends every forward convolution to oneDNN, at any batch, and none to OpenBLAS; restores the engines after, also after a throw', async (context) => {
    await onOneDnn(context.skip, async () => {
      const gemm = { library: 'fake', config: 'fake', coreType: 'fake', threads: 1, sgemm: () => undefined };
      useNativeEngines({ gemm, dnn: native.dnn });
      try {
        // Outside: the per-shape rule (a 2×2 image goes to OpenBLAS, a 16×16 one to oneDNN).
        expect(convEngineFor('forward', geometry(128, 2, 512, 512))?.name).toBe('openblas');
        expect(convEngineFor('forward', geometry(128, 16, 64, 64))?.name).toBe('onednn');
        withRowIndependentKernels(() => {
          expect(activeNativeGemm()).toBeUndefined();
          for (const batch of [1, 7, 128]) {
            for (const size of [1, 2, 4, 16]) expect(convEngineFor('forward', geometry(batch, size, 64, 64))?.name).toBe('onednn');
          }
        });
        expect(() =>
          withRowIndependentKernels(() => {
            throw new Error('boom');
          }),
        ).toThrow('boom');
        expect(activeNativeGemm()).toBe(gemm);
        expect(activeOneDnn()).toBe(native.dnn);
      } finally {
        useNativeEngines({});
      }
    });
  });

  // The pipeline's conv shapes (AlexNet-style trunk at 32×32, the Jigsaw trunk's tiles, the VGG trunk's small
  // maps), a strided one, and the shared test cases: one image's output must not depend on the images batched with it.
  const pipelineShapes: ConvolutionCase[] = [
    { batch: 7, height: 32, width: 32, ci: 3, co: 96, filter: [5, 5], stride: 1, pad: 'same' },
    { batch: 7, height: 16, width: 16, ci: 96, co: 256, filter: [5, 5], stride: 1, pad: 'same' },
    { batch: 7, height: 8, width: 8, ci: 256, co: 384, filter: [3, 3], stride: 1, pad: 'same' },
    { batch: 7, height: 4, width: 4, ci: 384, co: 384, filter: [3, 3], stride: 1, pad: 'same' },
    { batch: 7, height: 2, width: 2, ci: 512, co: 512, filter: [3, 3], stride: 1, pad: 'same' },
    { batch: 7, height: 15, width: 15, ci: 64, co: 64, filter: [3, 3], stride: 2, pad: 'valid' },
  ];
  const cases = [...pipelineShapes, ...convolutionCases().filter((c) => c.batch > 1)];
  it.for(cases.map((c) => ({ ...c, name: name(c) })))('an image gives the same bits alone and in a batch: $name', async (c, context) => {
    await onOneDnn(context.skip, async () => {
      useNativeEngines({ dnn: native.dnn });
      try {
        await tf.setBackend(KTLAB_WASM_BACKEND);
        const x = tf.randomNormal([c.batch, c.height, c.width, c.ci], 0, 1, 'float32', 41) as tf.Tensor4D;
        const filter = tf.randomNormal([c.filter[0], c.filter[1], c.ci, c.co], 0, 0.1, 'float32', 42) as tf.Tensor4D;
        const bias = tf.randomNormal([c.co], 0, 0.1, 'float32', 43);
        const forward = (input: tf.Tensor4D) =>
          withRowIndependentKernels(() => tf.tidy(() => tf.fused.conv2d({ x: input, filter, strides: c.stride, pad: c.pad, bias, activation: 'relu' }).dataSync() as Float32Array));
        const whole = forward(x);
        const perImage = whole.length / c.batch;
        for (const i of [0, c.batch - 1]) {
          const alone = tf.tidy(() => forward(x.slice(i, 1)));
          expect(Buffer.from(alone.buffer).equals(Buffer.from(whole.slice(i * perImage, (i + 1) * perImage).buffer))).toBe(true);
        }
        tf.dispose([x, filter, bias]);
      } finally {
        useNativeEngines({});
      }
    });
  });
});

describe('the per-shape rule with OpenBLAS loaded', () => {
  it('gives maps from 3×3 pixels on to oneDNN, smaller ones (and short forward calls) to OpenBLAS', () => {
    const g = (batch: number, size: number): DirectConvGeometry => ({
      batch, inHeight: size, inWidth: size, inChannels: 64, outHeight: size, outWidth: size, outChannels: 64,
      filterHeight: 3, filterWidth: 3, strideHeight: 1, strideWidth: 1, padTop: 1, padLeft: 1,
    });
    expect(oneDnnRunsConv('forward', g(128, 32))).toBe(true);
    expect(oneDnnRunsConv('forward', g(576, 3))).toBe(true);
    expect(oneDnnRunsConv('forward', g(128, 4))).toBe(false); // 2,048 output rows
    expect(oneDnnRunsConv('forward', g(576, 2))).toBe(false);
    for (const pass of ['backward-data', 'backward-weights'] as const) {
      expect(oneDnnRunsConv(pass, g(128, 4))).toBe(true);
      expect(oneDnnRunsConv(pass, g(576, 3))).toBe(true);
      expect(oneDnnRunsConv(pass, g(576, 2))).toBe(false);
      expect(oneDnnRunsConv(pass, g(576, 1))).toBe(false);
    }
  });
});

describe('the per-shape layout (by-shape, the default)', () => {
  const g = (size: number, ci: number, co: number): DirectConvGeometry => ({
    batch: 128, inHeight: size, inWidth: size, inChannels: ci, outHeight: size, outWidth: size, outChannels: co,
    filterHeight: 3, filterWidth: 3, strideHeight: 1, strideWidth: 1, padTop: 1, padLeft: 1,
  });

  it("reorders the activations too ('any') for the forward pass and input gradient from 96 input channels on", () => {
    for (const shape of [g(16, 96, 256), g(8, 384, 384), g(4, 256, 384)]) {
      expect(layoutByShape('forward', shape)).toBe('any');
      expect(layoutByShape('backward-data', shape)).toBe('any');
      expect(layoutByShape('backward-weights', shape)).toBe('weights-any');
    }
    for (const pass of ['forward', 'backward-data', 'backward-weights'] as const) {
      expect(layoutByShape(pass, g(32, 3, 96))).toBe('weights-any');
      expect(layoutByShape(pass, g(16, 64, 64))).toBe('weights-any');
    }
  });

  it('is what the calls use when they name no layout, and builds the same primitives as the layout it picks', async (context) => {
    if (!native.dnn) return context.skip(native.skipped ?? 'no oneDNN');
    expect(native.dnn.layout).toBe('by-shape');
    for (const shape of [g(8, 384, 256), g(8, 24, 64)]) {
      for (const pass of ['forward', 'backward-data', 'backward-weights'] as const) {
        expect(native.dnn.implementation(pass, shape)).toBe(native.dnn.implementation(pass, shape, layoutByShape(pass, shape)));
      }
    }
  });
});
