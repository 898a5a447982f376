import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { errorsAgainstCpu } from '../testing/compare-with-cpu.js';
import { allConvolutions, convolutionCases, padName, TOLERANCE, type ConvolutionCase as Case } from '../testing/convolution-cases.js';
import { KTLAB_WASM_BACKEND, registerKtlabWasmOnce } from '../testing/ktlab-wasm-for-tests.js';
import { withConvRunOptions } from '../wasm/conv-team.js';

beforeAll(async () => {
  await registerKtlabWasmOnce();
});

describe('direct FMA convolutions on ktlab-wasm equal the cpu backend', () => {
  it.each(convolutionCases().map((c) => ({ ...c, name: `${c.batch}×${c.height}×${c.width}×${c.ci} * ${c.filter.join('×')}→${c.co}, stride ${c.stride}, ${padName(c.pad)}` })))(
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
