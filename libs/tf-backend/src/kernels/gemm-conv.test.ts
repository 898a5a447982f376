import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { errorsAgainstCpu } from '../testing/compare-with-cpu.js';
import { allConvolutions, convolutionCases, padName, TOLERANCE, type ConvolutionCase } from '../testing/convolution-cases.js';
import { KTLAB_WASM_BACKEND, registerKtlabWasmOnce } from '../testing/ktlab-wasm-for-tests.js';
import { nativeGemmForTests, type NativeGemmForTests } from '../testing/native-gemm-for-tests.js';
import { ktlabWasmRuntime } from '../wasm/ktlab-wasm-backend.js';
import { withGemmChunkBytes } from './gemm-conv.js';
import { activeNativeGemm, withNativeGemm, withRowIndependentKernels } from './native-gemm-engine.js';

let native: NativeGemmForTests = {};

beforeAll(async () => {
  await registerKtlabWasmOnce();
  native = await nativeGemmForTests(ktlabWasmRuntime()?.threads ?? 1);
});

const name = (c: ConvolutionCase) => `${c.batch}×${c.height}×${c.width}×${c.ci} * ${c.filter.join('×')}→${c.co}, stride ${c.stride}, ${padName(c.pad)}`;

/** Runs `body` on the native GEMM path; `skip` when the host has no OpenBLAS (outside CI). */
async function onNativeGemm(skip: (note: string) => void, body: () => Promise<void>): Promise<void> {
  if (!native.gemm) {
    skip(native.skipped ?? 'no OpenBLAS');
    return;
  }
  // Every convolution on the GEMM, however short its reduction (the product sends K < 128 to its own kernels).
  await withNativeGemm(native.gemm, body, { minConvReduction: 0 });
}

describe('im2col + OpenBLAS convolutions on ktlab-wasm equal the cpu backend', () => {
  it.for(convolutionCases().map((c) => ({ ...c, name: name(c) })))('$name', async (c, context) => {
    await onNativeGemm(context.skip, async () => {
      const { specs, compute } = allConvolutions(c);
      const [forward, fused, inputGradient, filterGradient] = await errorsAgainstCpu(KTLAB_WASM_BACKEND, specs, compute);
      expect(forward).toBeLessThan(TOLERANCE);
      expect(fused).toBeLessThan(TOLERANCE);
      expect(inputGradient).toBeLessThan(TOLERANCE);
      expect(filterGradient).toBeLessThan(TOLERANCE);
    });
  });

  it('strided convolutions in chunks of one image give the results of one chunk, within float tolerance', async (context) => {
    await onNativeGemm(context.skip, async () => {
      await tf.setBackend(KTLAB_WASM_BACKEND);
      const c: ConvolutionCase = { batch: 5, height: 11, width: 13, ci: 7, co: 10, filter: [3, 3], stride: 2, pad: 'same' };
      const { specs, compute } = allConvolutions(c);
      const inputs = specs.map((spec) => tf.randomNormal(spec.shape, 0, 1, 'float32', spec.seed));
      const run = () => tf.tidy(() => compute(inputs).map((t) => t.dataSync() as Float32Array));
      const oneChunk = run();
      // 4 bytes: every chunk holds the minimum of one image.
      const perImage = await withGemmChunkBytes(4, async () => run());
      tf.dispose(inputs);
      // Forward, fused and input gradient compute each output row from the same products either way, but
      // OpenBLAS may block a taller GEMM differently and sum in another order (its Haswell kernels on an AMD Zen 5
      // with OPENBLAS_CORETYPE=Haswell do; its Cooperlake kernels on an Intel Xeon did not), and the filter
      // gradient sums the chunks in another grouping: equal within float tolerance. (No result of the product
      // depends on the chunking being bit-exact: feature extraction, which must be, runs without OpenBLAS.)
      for (let i = 0; i < 4; i++) {
        let worst = 0;
        for (let j = 0; j < oneChunk[i].length; j++) worst = Math.max(worst, Math.abs(oneChunk[i][j] - perImage[i][j]));
        expect(worst, `output ${i}`).toBeLessThan(1e-4);
      }
    });
  });

  it('leaves no tensors behind', async (context) => {
    await onNativeGemm(context.skip, async () => {
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

describe('matrix products on OpenBLAS equal the cpu backend', () => {
  const products: { name: string; a: number[]; b: number[]; transposeA: boolean; transposeB: boolean }[] = [
    { name: 'plain 2-D', a: [7, 5], b: [5, 9], transposeA: false, transposeB: false },
    { name: 'a transposed (a dense layer weight gradient xᵀ·dy)', a: [33, 17], b: [33, 12], transposeA: true, transposeB: false },
    { name: 'b transposed (a dense layer input gradient dy·wᵀ)', a: [16, 40], b: [24, 40], transposeA: false, transposeB: true },
    { name: 'both transposed, batched', a: [3, 6, 4], b: [3, 5, 6], transposeA: true, transposeB: true },
    { name: 'one batch broadcast over three', a: [1, 4, 6], b: [3, 6, 2], transposeA: false, transposeB: false },
  ];
  it.for(products)('$name', async (p, context) => {
    await onNativeGemm(context.skip, async () => {
      const bias = p.transposeB ? p.b[p.b.length - 2] : p.b[p.b.length - 1];
      const errors = await errorsAgainstCpu(
        KTLAB_WASM_BACKEND,
        [
          { shape: p.a, seed: 21 },
          { shape: p.b, seed: 22 },
          { shape: [bias], seed: 23 },
        ],
        ([a, b, c]) => [
          tf.matMul(a, b, p.transposeA, p.transposeB),
          tf.fused.matMul({ a, b, transposeA: p.transposeA, transposeB: p.transposeB, bias: c, activation: 'relu' }),
        ],
      );
      expect(errors[0]).toBeLessThan(TOLERANCE);
      expect(errors[1]).toBeLessThan(TOLERANCE);
    });
  });
});

describe('withRowIndependentKernels', () => {
  it('runs its body on ktlab\'s own kernels and restores the native GEMM afterwards, also after a throw', async (context) => {
    await onNativeGemm(context.skip, async () => {
      expect(activeNativeGemm()).toBe(native.gemm);
      expect(withRowIndependentKernels(() => activeNativeGemm())).toBeUndefined();
      expect(() => withRowIndependentKernels(() => {
        throw new Error('boom');
      })).toThrow('boom');
      expect(activeNativeGemm()).toBe(native.gemm);
    });
  });
});
