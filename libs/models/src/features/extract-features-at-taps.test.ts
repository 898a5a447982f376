import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { alexnetSmall } from '../architectures/alexnet-small.js';
import { vggSmall } from '../architectures/vgg-small.js';
import { jigsawNet } from '../jigsaw/jigsaw-net.js';
import { randomImages, useCpuBackend } from '../testing/fixtures.js';
import { extractFeatures } from './extract-features.js';
import { extractFeaturesAtTaps } from './extract-features-at-taps.js';

beforeAll(() => useCpuBackend());

const images = randomImages(3, 16);

describe('extractFeaturesAtTaps', () => {
  it('gives every tap exactly the rows extractFeatures gives it, from one pass', async () => {
    for (const model of [
      alexnetSmall({ inputSize: 16, numClasses: 4, widthMultiplier: 0.125, hiddenUnits: [8, 8] }),
      vggSmall({ inputSize: 16, numClasses: 4, widthMultiplier: 0.125, hiddenUnits: [8, 8] }),
    ]) {
      const taps = ['conv1', 'conv3', 'conv5', 'fc7'];
      const together = await extractFeaturesAtTaps(model, taps, images, { maxDims: 300, batchSize: 2 });
      expect([...together.keys()]).toEqual(taps);
      for (const tap of taps) {
        const alone = await extractFeatures(model, tap, images, { maxDims: 300, batchSize: 2 });
        const matrix = together.get(tap)!;
        expect(matrix.layout).toEqual(alone.layout);
        expect(matrix.rows).toBe(3);
        expect(Array.from(matrix.data)).toEqual(Array.from(alone.data));
      }
    }
  });

  it('does not leak tensors and reports progress', async () => {
    const model = alexnetSmall({ inputSize: 16, numClasses: 4, widthMultiplier: 0.125, hiddenUnits: [8, 8] });
    await extractFeaturesAtTaps(model, ['conv2', 'conv4'], images, { grid: [2, 2], batchSize: 2 });
    const before = tf.memory().numTensors;
    const progress: number[] = [];
    await extractFeaturesAtTaps(model, ['conv2', 'conv4'], images, { grid: [2, 2], batchSize: 2, onProgress: (p) => progress.push(p.done) });
    expect(tf.memory().numTensors).toBe(before);
    expect(progress).toEqual([2, 3]);
  });

  it('explains taps it cannot serve together', async () => {
    const { model } = jigsawNet({ arch: 'alexnet', tileSize: 16, numPermutations: 4, widthMultiplier: 0.125, tileFcUnits: 8, hiddenUnits: [8] });
    await expect(extractFeaturesAtTaps(model, ['conv1', 'fc6'], randomImages(1, 16))).rejects.toThrow(/different \(nested\) models/);
    const net = alexnetSmall({ inputSize: 16, numClasses: 4, widthMultiplier: 0.125, hiddenUnits: [8, 8] });
    await expect(extractFeaturesAtTaps(net, ['conv1'], randomImages(1, 8))).rejects.toThrow(/takes 16×16×3 images but got 8×8×3/);
    await expect(extractFeaturesAtTaps(net, [], images)).rejects.toThrow(/at least one tap/);
  });
});
