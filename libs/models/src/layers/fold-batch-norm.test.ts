import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { alexnetSmall } from '../architectures/alexnet-small.js';
import { vggSmall } from '../architectures/vgg-small.js';
import { extractFeatures } from '../features/extract-features.js';
import { imagesToTensor } from '../features/uint8-images.js';
import { jigsawNet, jigsawTrunk } from '../jigsaw/jigsaw-net.js';
import { randomImages, useCpuBackend } from '../testing/fixtures.js';
import { foldBatchNorm } from './fold-batch-norm.js';

beforeAll(useCpuBackend);

/** Gives every batch-norm layer non-trivial statistics, as training would. */
function randomiseBatchNorm(model: tf.LayersModel): void {
  for (const layer of model.layers.filter((l) => l.getClassName() === 'BatchNormalization')) {
    layer.setWeights(layer.getWeights().map((w, i) => tf.randomUniform(w.shape, i === 1 || i === 2 ? -0.5 : 0.5, i === 1 || i === 2 ? 0.5 : 2)));
  }
}

const maxAbsDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => a.sub(b).abs().max().dataSync()[0]);

describe('foldBatchNorm', () => {
  it('fuses conv → BN → ReLU blocks into single convs with the same inference outputs', async () => {
    const model = alexnetSmall({ inputSize: 32, numClasses: 5, widthMultiplier: 0.125, hiddenUnits: [16, 8], seed: 3 });
    randomiseBatchNorm(model);
    const folded = await foldBatchNorm(model);
    const names = folded.layers.map((l) => l.name);
    expect(names.filter((n) => n.endsWith('_bn') || n.endsWith('_relu'))).toEqual([]);
    expect(names).toEqual(expect.arrayContaining(['conv1', 'conv5', 'pool5', 'fc6', 'fc8', 'probabilities']));
    expect(folded.getLayer('conv3').getConfig().activation).toBe('relu');
    const x = imagesToTensor(randomImages(3, 32));
    expect(maxAbsDiff(folded.predict(x) as tf.Tensor, model.predict(x) as tf.Tensor)).toBeLessThan(1e-5);

    const images = randomImages(2, 32, 3, 4);
    const original = await extractFeatures(model, 'conv4', images, { grid: [5, 5] });
    const fast = await extractFeatures(folded, 'conv4', images, { grid: [5, 5] });
    expect(fast.layout.layer).toBe('conv4');
    fast.data.forEach((v, i) => expect(v).toBeCloseTo(original.data[i], 4));
  });

  it('fuses the ReLU of BN-free nets and resolves VGG stage taps after folding', async () => {
    const plain = alexnetSmall({ inputSize: 32, numClasses: 3, widthMultiplier: 0.125, hiddenUnits: [8, 8], batchNorm: false });
    const foldedPlain = await foldBatchNorm(plain);
    expect(foldedPlain.layers.length).toBe(plain.layers.length - 5);
    const x = imagesToTensor(randomImages(2, 32));
    expect(maxAbsDiff(foldedPlain.predict(x) as tf.Tensor, plain.predict(x) as tf.Tensor)).toBeLessThan(1e-6);

    const vgg = vggSmall({ inputSize: 32, numClasses: 3, widthMultiplier: 0.0625, hiddenUnits: [8, 8] });
    randomiseBatchNorm(vgg);
    const foldedVgg = await foldBatchNorm(vgg);
    const a = await extractFeatures(vgg, 'conv3', randomImages(2, 32), { grid: [2, 2] });
    const b = await extractFeatures(foldedVgg, 'conv3', randomImages(2, 32), { grid: [2, 2] });
    expect(b.layout.layer).toBe('conv3_2');
    b.data.forEach((v, i) => expect(v).toBeCloseTo(a.data[i], 4));
  });

  it("folds a Jigsaw net's trunk, not the net itself", async () => {
    const { model } = jigsawNet({ arch: 'alexnet', tileSize: 12, numPermutations: 4, widthMultiplier: 0.125, tileFcUnits: 8, hiddenUnits: [8] });
    await expect(foldBatchNorm(model)).rejects.toThrow(/nested models/);
    const trunk = await foldBatchNorm(jigsawTrunk(model));
    expect(trunk.layers.some((l) => l.getClassName() === 'BatchNormalization')).toBe(false);
  });
});
