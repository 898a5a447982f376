import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModel, saveModel } from '../io/save-load-model.js';
import { jigsawNet, jigsawTrunk } from '../jigsaw/jigsaw-net.js';
import { PerTile, perTile } from './per-tile.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function tileNet(wrap: (layer: tf.layers.Layer) => tf.layers.Layer): tf.LayersModel {
  const tile = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [5, 5, 2], filters: 3, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: tf.initializers.randomNormal({ seed: 1 }) }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 4, kernelInitializer: tf.initializers.randomNormal({ seed: 2 }) }),
    ],
  });
  const input = tf.input({ shape: [6, 5, 5, 2] });
  return tf.model({ inputs: input, outputs: wrap(tile as unknown as tf.layers.Layer).apply(input) as tf.SymbolicTensor });
}

describe('PerTile', () => {
  it('computes what TimeDistributed computes, forward and gradient, in one pass over all tiles', () => {
    const merged = tileNet((layer) => perTile({ layer }));
    const stepwise = tileNet((layer) => tf.layers.timeDistributed({ layer }));
    stepwise.setWeights(merged.getWeights());
    const x = tf.randomNormal([3, 6, 5, 5, 2], 0, 1, 'float32', 3);
    const output = (model: tf.LayersModel) => model.predict(x) as tf.Tensor;
    expect(output(merged).shape).toEqual([3, 6, 4]);
    expect(Array.from(output(merged).dataSync())).toEqual(Array.from(output(stepwise).dataSync()).map((v) => expect.closeTo(v, 5)));
    const gradients = (model: tf.LayersModel) =>
      tf.variableGrads(() => (model.apply(x) as tf.Tensor).square().sum() as tf.Scalar, model.trainableWeights.map((w) => w.read() as tf.Variable)).grads;
    const mergedGrads = Object.values(gradients(merged));
    const stepwiseGrads = Object.values(gradients(stepwise));
    expect(mergedGrads).toHaveLength(4);
    for (const [i, grad] of mergedGrads.entries()) {
      const expected = stepwiseGrads[i]!.dataSync();
      const scale = Math.max(...Array.from(expected, Math.abs));
      const worst = Math.max(...Array.from(grad.dataSync(), (v, j) => Math.abs(v - expected[j]!)));
      expect(worst / scale).toBeLessThan(1e-5);
    }
  });

  it('is what the Jigsaw net uses, and survives a save and load', async () => {
    const { model } = jigsawNet({ arch: 'alexnet', tileSize: 11, numPermutations: 5, widthMultiplier: 0.1, seed: 4, conv1Kernel: 5, conv1Stride: 1 });
    expect(model.getLayer('tiles')).toBeInstanceOf(PerTile);
    const dir = join(mkdtempSync(join(tmpdir(), 'ktlab-per-tile-')), 'jigsaw');
    await saveModel(model, dir);
    const loaded = await loadModel(dir);
    expect(loaded.getLayer('tiles')).toBeInstanceOf(PerTile);
    expect(jigsawTrunk(loaded).name).toBe(jigsawTrunk(model).name);
    const x = tf.randomNormal([2, 9, 11, 11, 3], 0, 1, 'float32', 5);
    expect(Array.from((loaded.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from((model.predict(x) as tf.Tensor).dataSync()));
  });
});
