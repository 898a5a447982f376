import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { BATCH_NORM_TRAINING, batchNormTraining, batchNormTrainingApplies } from '../ops/batch-norm-training.js';
import { errorsAgainstCpu } from '../testing/compare-with-cpu.js';
import { KTLAB_WASM_BACKEND, registerKtlabWasmOnce } from '../testing/ktlab-wasm-for-tests.js';
import { oneDnnForTests, type OneDnnForTests } from '../testing/onednn-for-tests.js';
import { ktlabWasmRuntime } from '../wasm/ktlab-wasm-backend.js';
import { useNativeEngines, useOneDnnBatchNorm } from './native-gemm-engine.js';
import { batchNormShape } from './onednn-batch-norm.js';

let native: OneDnnForTests = {};

beforeAll(async () => {
  await registerKtlabWasmOnce();
  native = await oneDnnForTests(ktlabWasmRuntime()?.threads ?? 1);
});

const EPSILON = 1e-5;
const TOLERANCE = 1e-5;

/** Runs `body` with oneDNN loaded as the backend's library; `skip` when the host has none (outside CI). */
async function onOneDnn(skip: (note: string) => void, body: () => Promise<void>): Promise<void> {
  if (!native.dnn) {
    skip(native.skipped ?? 'no oneDNN');
    return;
  }
  useNativeEngines({ dnn: native.dnn });
  try {
    await body();
  } finally {
    useNativeEngines({});
  }
}

/** tf.layers' training-mode composition: tf.moments over every axis but the last, then tf.batchNorm. */
function composed(x: tf.Tensor, scale: tf.Tensor, offset: tf.Tensor) {
  const { mean, variance } = tf.moments(x, [...Array(x.rank - 1).keys()]);
  return { y: tf.batchNorm(x, mean, variance, offset, scale, EPSILON), mean, variance };
}

/** batchNormTraining where it applies (ktlab-wasm with oneDNN), else the composition (the cpu reference). */
function normalise(x: tf.Tensor, scale: tf.Tensor, offset: tf.Tensor) {
  return batchNormTraining(x, scale, offset, EPSILON) ?? composed(x, scale, offset);
}

/**
 * y, mean, variance and the gradients of Σ y·w (+ Σ mean·a + Σ variance·b when `statistics`) with respect to x,
 * scale and offset. Scale and offset come in around 1 and 0, as a layer's are.
 */
function forwardAndGradients(statistics: boolean) {
  return ([x, scale, offset, w, a, b]: tf.Tensor[]): tf.Tensor[] => {
    const gamma = scale!.mul(0.3).add(1);
    const beta = offset!.mul(0.3);
    const loss = (xs: tf.Tensor, g: tf.Tensor, o: tf.Tensor) => {
      const { y, mean, variance } = normalise(xs, g, o);
      let total = y.mul(w!).sum();
      if (statistics) total = total.add(mean.mul(a!).sum()).add(variance.mul(b!).sum());
      return total as tf.Scalar;
    };
    const { y, mean, variance } = normalise(x!, gamma, beta);
    return [y, mean, variance, ...tf.grads(loss)([x!, gamma, beta])];
  };
}

/** The shapes batch norm runs on in the pipeline's nets (smaller batches), odd channel counts, ranks 2 and 3. */
const SHAPES: number[][] = [
  [4, 32, 32, 96], // alexnet conv1
  [4, 16, 16, 256], // alexnet conv2
  [4, 8, 8, 384], // alexnet conv3-4
  [18, 15, 15, 96], // jigsaw conv1 (2 puzzles × 9 tiles)
  [18, 4, 4, 384], // jigsaw conv3-5
  [4, 32, 32, 24], // alexnet-quick conv1
  [4, 32, 32, 64], // vgg conv1
  [4, 2, 2, 512], // vgg conv5
  [9, 1, 1, 512], // jigsaw-vgg conv5
  [3, 5, 7, 3],
  [2, 3, 3, 17],
  [37, 5],
  [3, 7, 9],
];

const specsFor = (shape: number[]) => {
  const c = shape[shape.length - 1]!;
  return [
    { shape, seed: 61 },
    { shape: [c], seed: 62 },
    { shape: [c], seed: 63 },
    { shape, seed: 64 },
    { shape: [c], seed: 65 },
    { shape: [c], seed: 66 },
  ];
};

describe('training-mode batch norm on oneDNN equals the composition on the cpu backend', () => {
  it.for(SHAPES.map((shape) => ({ shape, name: `[${shape.join(', ')}]` })))('y, mean, variance, dx, d scale, d offset: $name', async ({ shape }, context) => {
    await onOneDnn(context.skip, async () => {
      await tf.setBackend(KTLAB_WASM_BACKEND);
      expect(tf.tidy(() => batchNormTrainingApplies(tf.zeros(shape), tf.ones([shape.at(-1)!]), tf.zeros([shape.at(-1)!])))).toBe(true);
      const errors = await errorsAgainstCpu(KTLAB_WASM_BACKEND, specsFor(shape), forwardAndGradients(false));
      expect(errors).toHaveLength(6);
      for (const error of errors) expect(error).toBeLessThan(TOLERANCE);
    });
  });

  it('adds the gradient through the mean and variance when a loss uses them', async (context) => {
    await onOneDnn(context.skip, async () => {
      for (const shape of [
        [3, 5, 7, 16],
        [11, 6],
      ]) {
        const errors = await errorsAgainstCpu(KTLAB_WASM_BACKEND, specsFor(shape), forwardAndGradients(true));
        for (const error of errors) expect(error).toBeLessThan(TOLERANCE);
      }
    });
  });

  it('runs as one kernel forward and one backward', async (context) => {
    await onOneDnn(context.skip, async () => {
      await tf.setBackend(KTLAB_WASM_BACKEND);
      const [x, scale, offset, w] = [tf.randomNormal([4, 8, 8, 32], 0, 1, 'float32', 1), tf.ones([32]), tf.zeros([32]), tf.randomNormal([4, 8, 8, 32], 0, 1, 'float32', 2)];
      const profile = await tf.profile(() => {
        tf.dispose(tf.grads((a: tf.Tensor, g: tf.Tensor, o: tf.Tensor) => normalise(a, g, o).y.mul(w).sum())([x, scale, offset]));
      });
      const kernels = profile.kernels.map((k) => k.name);
      expect(kernels.filter((k) => k.startsWith('KtlabBatchNorm')).sort()).toEqual(['KtlabBatchNormTraining', 'KtlabBatchNormTrainingGrad']);
      expect(kernels).not.toContain('FusedBatchNorm');
      tf.dispose([x, scale, offset, w]);
    });
  });

  it('gives the same bits when a step is repeated (fixed thread count)', async (context) => {
    await onOneDnn(context.skip, async () => {
      await tf.setBackend(KTLAB_WASM_BACKEND);
      const specs = specsFor([8, 16, 16, 96]);
      const inputs = specs.map((spec) => tf.randomNormal(spec.shape, 0, 1, 'float32', spec.seed));
      const run = () => tf.tidy(() => forwardAndGradients(false)(inputs).map((t) => t.dataSync() as Float32Array));
      const [first, second] = [run(), run()];
      for (let i = 0; i < first.length; i++) expect(Buffer.from(second[i]!.buffer).equals(Buffer.from(first[i]!.buffer))).toBe(true);
      tf.dispose(inputs);
    });
  });

  it('leaves no tensors behind', async (context) => {
    await onOneDnn(context.skip, async () => {
      await tf.setBackend(KTLAB_WASM_BACKEND);
      const specs = specsFor([2, 5, 5, 8]);
      const inputs = specs.map((spec) => tf.randomNormal(spec.shape, 0, 1, 'float32', spec.seed));
      // tidy frees what the test itself makes; what the kernels, the tape or the gradient keep would stay.
      tf.dispose(tf.tidy(() => forwardAndGradients(true)(inputs)));
      const [tensors, dataIds] = [tf.memory().numTensors, tf.engine().backend.numDataIds()];
      tf.dispose(tf.tidy(() => forwardAndGradients(true)(inputs)));
      expect(tf.memory().numTensors).toBe(tensors);
      expect(tf.engine().backend.numDataIds()).toBe(dataIds);
      tf.dispose(inputs);
    });
  });
});

describe('where batchNormTraining does not apply', () => {
  it('answers undefined on other backends, without oneDNN, switched off, and for other dtypes, ranks or vectors', async () => {
    const check = () =>
      tf.tidy(() => {
        const x = tf.zeros([2, 3, 3, 4]);
        const [scale, offset] = [tf.ones([4]), tf.zeros([4])];
        return {
          plain: batchNormTraining(x, scale, offset, EPSILON) !== undefined,
          int32: batchNormTrainingApplies(tf.zeros([2, 4], 'int32'), scale, offset),
          rank1: batchNormTrainingApplies(tf.zeros([4]), scale, offset),
          rank5: batchNormTrainingApplies(tf.zeros([1, 2, 2, 2, 4]), scale, offset),
          empty: batchNormTrainingApplies(tf.zeros([0, 4]), scale, offset),
          noScale: batchNormTrainingApplies(x, null, offset),
          wrongVector: batchNormTrainingApplies(x, tf.ones([3]), offset),
        };
      });
    const nothing = { plain: false, int32: false, rank1: false, rank5: false, empty: false, noScale: false, wrongVector: false };
    await tf.setBackend(KTLAB_WASM_BACKEND);
    useNativeEngines({});
    expect(check()).toEqual(nothing);
    if (native.dnn) {
      useNativeEngines({ dnn: native.dnn });
      try {
        expect(check()).toEqual({ ...nothing, plain: true });
        useOneDnnBatchNorm(false);
        expect(check()).toEqual(nothing);
        useOneDnnBatchNorm(true);
        await tf.setBackend('cpu');
        expect(check()).toEqual(nothing);
      } finally {
        useOneDnnBatchNorm(true);
        useNativeEngines({});
        await tf.setBackend('cpu');
      }
    }
    expect(tf.getKernel(BATCH_NORM_TRAINING, 'cpu')).toBeUndefined();
  });

  it('maps ranks 2-4 to oneDNN’s [batch, height, width, channels]', () => {
    expect(batchNormShape([5, 7])).toEqual({ batch: 5, height: 1, width: 1, channels: 7 });
    expect(batchNormShape([5, 6, 7])).toEqual({ batch: 5, height: 1, width: 6, channels: 7 });
    expect(batchNormShape([5, 4, 6, 7])).toEqual({ batch: 5, height: 4, width: 6, channels: 7 });
    expect(() => batchNormShape([7])).toThrow(/rank 2-4/);
  });
});
