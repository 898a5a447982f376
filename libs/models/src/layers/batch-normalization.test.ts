import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { KTLAB_WASM_BACKEND, useOneDnnBatchNorm, withConvEngine } from '@ktlab/tf-backend';
import { alexnetSmall } from '../architectures/alexnet-small.js';
import { oneDnnLayerTests } from '../testing/onednn-layers.js';
import { BatchNormalization, batchNormalization } from './batch-normalization.js';

const loaded = oneDnnLayerTests();

const SHAPE = [6, 5, 7, 24];
const CHANNELS = SHAPE[3]!;

/** gamma, beta, moving mean, moving variance: away from their initial values, as after some training. */
const weightValues = () =>
  [
    [0.5, 1.5],
    [-0.5, 0.5],
    [-0.3, 0.3],
    [0.5, 2],
  ].map(([low, high], i) => tf.tidy(() => tf.randomUniform([CHANNELS], low, high, 'float32', 70 + i).dataSync() as Float32Array));

/**
 * A training step of one batch-norm layer on the active backend (weights set from `weights`): y, dL/dx,
 * dL/dgamma, dL/dbeta for L = Σ y·w, and the moving mean and variance after the step (each updated once per
 * forward pass: twice here). Also whether the fused kernel ran.
 */
async function trainingStep(make: () => tf.layers.Layer, weights: Float32Array[], training = true) {
  const layer = make();
  const input = tf.input({ shape: SHAPE.slice(1) });
  const model = tf.model({ inputs: input, outputs: layer.apply(input) as tf.SymbolicTensor });
  layer.setWeights(weights.map((values) => tf.tensor1d(values)));
  const x = tf.tidy(() => tf.randomNormal(SHAPE, 0.3, 2, 'float32', 81));
  const w = tf.tidy(() => tf.randomNormal(SHAPE, 0, 1, 'float32', 82));
  const loss = (input: tf.Tensor) => (layer.apply(input, { training }) as tf.Tensor).mul(w).sum() as tf.Scalar;
  let values: Float32Array[] = [];
  const profile = await tf.profile(() => {
    values = tf.tidy(() => {
      const y = layer.apply(x, { training }) as tf.Tensor;
      const [dx] = tf.grads(loss)([x]);
      const { grads } = tf.variableGrads(() => loss(x), layer.trainableWeights.map((v) => v.read() as tf.Variable));
      const [gamma, beta] = layer.trainableWeights.map((v) => grads[(v.read() as tf.Variable).name]!);
      return [y, dx!, gamma!, beta!].map((t) => t.dataSync() as Float32Array);
    });
  });
  // The moving averages were updated by the two training forward passes above (and the loss's in `grads`).
  values.push(...layer.getWeights().slice(2).map((t) => t.dataSync() as Float32Array));
  tf.dispose([x, w]);
  model.dispose();
  return { values, fused: profile.kernels.some((k) => k.name === 'KtlabBatchNormTraining') };
}

const relativeError = (expected: Float32Array, actual: Float32Array) => {
  let [difference, scale] = [0, 0];
  expected.forEach((e, i) => {
    difference = Math.max(difference, Math.abs(e - actual[i]!));
    scale = Math.max(scale, Math.abs(e));
  });
  return difference / scale;
};
const sameBits = (a: Float32Array, b: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

const ktlabLayer = () => batchNormalization({ momentum: 0.9, epsilon: 1e-5 });
const tfLayer = () => tf.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5 });

describe('BatchNormalization', () => {
  it("trains on oneDNN's fused kernels on ktlab-wasm and agrees with tf.layers on the cpu backend (output, gradients, moving averages)", async (context) => {
    if (!loaded.native.dnn) return context.skip(loaded.native.skipped);
    const weights = weightValues();
    await tf.setBackend('cpu');
    const expected = await trainingStep(tfLayer, weights);
    await tf.setBackend(KTLAB_WASM_BACKEND);
    const actual = await withConvEngine('onednn', { dnn: loaded.native.dnn }, () => trainingStep(ktlabLayer, weights));
    expect(expected.fused).toBe(false);
    expect(actual.fused).toBe(true);
    expect(actual.values).toHaveLength(6);
    actual.values.forEach((values, i) => expect(relativeError(expected.values[i]!, values), `output ${i}`).toBeLessThan(1e-5));
  });

  it("is tf.layers' own computation, bit for bit, where the fused kernel does not apply: cpu backend, ktlab-wasm without oneDNN or with it switched off, inference", async () => {
    const weights = weightValues();
    const cases: [string, () => Promise<void>, boolean][] = [
      ['cpu', () => tf.setBackend('cpu').then(() => undefined), true],
      ['ktlab-wasm without oneDNN', () => tf.setBackend(KTLAB_WASM_BACKEND).then(() => undefined), true],
      ['cpu, inference', () => tf.setBackend('cpu').then(() => undefined), false],
    ];
    for (const [name, setUp, training] of cases) {
      await setUp();
      const [ours, theirs] = [await trainingStep(ktlabLayer, weights, training), await trainingStep(tfLayer, weights, training)];
      expect(ours.fused, name).toBe(false);
      ours.values.forEach((values, i) => expect(sameBits(values, theirs.values[i]!), `${name}: output ${i}`).toBe(true));
    }
    if (loaded.native.dnn) {
      await tf.setBackend(KTLAB_WASM_BACKEND);
      await withConvEngine('onednn', { dnn: loaded.native.dnn }, async () => {
        const inference = [await trainingStep(ktlabLayer, weights, false), await trainingStep(tfLayer, weights, false)];
        expect(inference[0]!.fused).toBe(false);
        inference[0]!.values.forEach((values, i) => expect(sameBits(values, inference[1]!.values[i]!), `inference with oneDNN: output ${i}`).toBe(true));
        useOneDnnBatchNorm(false);
        try {
          const off = [await trainingStep(ktlabLayer, weights), await trainingStep(tfLayer, weights)];
          expect(off[0]!.fused).toBe(false);
          off[0]!.values.forEach((values, i) => expect(sameBits(values, off[1]!.values[i]!), `switched off: output ${i}`).toBe(true));
        } finally {
          useOneDnnBatchNorm(true);
        }
      });
    }
    await tf.setBackend('cpu');
  });

  it("is what the conv blocks build, saves as tf.layers' BatchNormalization and loads back as this class", async () => {
    await tf.setBackend('cpu');
    const model = alexnetSmall({ inputSize: 32, numClasses: 3, widthMultiplier: 0.125, hiddenUnits: [8, 8] });
    const norms = model.layers.filter((layer) => layer.getClassName() === 'BatchNormalization');
    expect(norms.length).toBeGreaterThan(0);
    for (const layer of norms) expect(layer).toBeInstanceOf(BatchNormalization);
    const json = JSON.stringify(model.toJSON(null, false));
    expect(json).toContain('"class_name":"BatchNormalization"');
    const loaded = await tf.models.modelFromJSON(JSON.parse(json) as tf.io.ModelJSON['modelTopology'] as never);
    const reloaded = loaded.layers.filter((layer) => layer.getClassName() === 'BatchNormalization');
    expect(reloaded.length).toBe(norms.length);
    for (const layer of reloaded) expect(layer).toBeInstanceOf(BatchNormalization);
    model.dispose();
    loaded.dispose();
  });
});
