import * as tf from '@tensorflow/tfjs';
import { pino } from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ImageDataset } from '@ktlab/data';
import { cosineLr, imagesToTensor, SgdMomentum, trainStepAsync } from '@ktlab/models';
import { selectBackend } from '@ktlab/tf-backend';
import { asImages } from '../datasets';
import { classifierFor } from '../nets';
import { faintStripes } from '../testing/faint-stripes';
import { seedDropoutForStep } from '../training/step-seeded-dropout';
import { BOUNDARY_EPSILON, boundaryStatistics, BoundaryStandardiser, frozenSplit, statisticsImages, type BoundaryStatistics } from './frozen-boundary';

const SIZE = 32;

/** Trains the layers after the boundary on `statistics`-standardised features (2 epochs, batch 16, SGD 0.01), then top-1. */
async function headTop1(statistics: Pick<BoundaryStatistics, 'mean' | 'variance'> | 'estimated', train: ImageDataset, test: ImageDataset, dropoutSeed = 1): Promise<number> {
  const model = classifierFor('alexnet', SIZE, 0.25, 2, 7);
  const split = frozenSplit(model, 'conv5');
  const standardiser = new BoundaryStandardiser(statistics === 'estimated' ? await boundaryStatistics(split.lower, train) : statistics);
  const optimizer = new SgdMomentum({});
  const features = (data: ImageDataset) => tf.tidy(() => standardiser.apply(split.lower.predict(imagesToTensor(asImages(data))) as tf.Tensor));
  const x = features(train);
  const y = tf.tensor1d(train.labels!, 'int32');
  const learningRate = cosineLr({ base: 0.01, total: 2 });
  let step = 0;
  for (let epoch = 0; epoch < 2; epoch++) {
    for (let start = 0; start < train.count; start += 16) {
      seedDropoutForStep(model, dropoutSeed, step++);
      const [xb, yb] = [x.slice(start, 16), y.slice(start, 16)];
      await trainStepAsync(split.upper, optimizer, xb, yb as tf.Tensor1D, learningRate(epoch));
      tf.dispose([xb, yb]);
    }
  }
  const predicted = tf.tidy(() => (split.upper.predict(features(test)) as tf.Tensor).argMax(-1));
  const classes = await predicted.data();
  const correct = classes.filter((c, i) => c === test.labels![i]).length;
  tf.dispose([x, y, predicted]);
  standardiser.dispose();
  optimizer.dispose();
  split.upper.dispose();
  model.dispose();
  return correct / test.count;
}

describe('frozen boundary', () => {
  beforeAll(() => selectBackend({}, pino({ level: 'silent' })));

  it('extends the frozen part through the weightless layers after the tap', () => {
    const model = classifierFor('alexnet', SIZE, 0.25, 3, 5);
    const conv5 = frozenSplit(model, 'conv5');
    expect(conv5.boundary).toBe('fc6_flatten');
    expect(conv5.lower.outputs[0].shape).toEqual([null, 4 * 4 * 64]);
    expect(conv5.upper.layers[1].name).toBe('fc6');
    const conv2 = frozenSplit(model, 'conv2');
    expect(conv2.boundary).toBe('pool2');
    expect(conv2.upper.layers[1].name).toBe('conv3');
    const conv4 = frozenSplit(model, 'conv4');
    expect(conv4.boundary).toBe('conv4_relu');
    // The two parts still compose to the classifier.
    const x = imagesToTensor(asImages(faintStripes(3, 1)));
    const whole = model.predict(x) as tf.Tensor;
    for (const split of [conv5, conv2, conv4]) {
      const composed = split.upper.predict(split.lower.predict(x) as tf.Tensor) as tf.Tensor;
      expect(Array.from(composed.dataSync())).toEqual(Array.from(whole.dataSync()));
      split.upper.dispose();
    }
    model.dispose();
  });

  it('estimates per-feature statistics over uneven batches, and standardises with them', async () => {
    const model = classifierFor('alexnet', SIZE, 0.25, 3, 5);
    const data = faintStripes(10, 3, 40);
    for (const [tap, boundary] of [
      ['conv5', 'fc6_flatten'],
      ['conv2', 'pool2'],
    ] as const) {
      const split = frozenSplit(model, tap);
      expect(split.boundary).toBe(boundary);
      const statistics = await boundaryStatistics(split.lower, data, 3);
      const all = split.lower.predict(imagesToTensor(asImages(data))) as tf.Tensor;
      const channels = all.shape.at(-1) as number;
      const flat = all.reshape([-1, channels]);
      const { mean, variance } = tf.moments(flat, 0);
      expect(statistics.images).toBe(10);
      expect(statistics.mean.length).toBe(channels);
      const expectedMean = mean.dataSync();
      const expectedVariance = variance.dataSync();
      for (let c = 0; c < channels; c++) {
        expect(statistics.mean[c]).toBeCloseTo(expectedMean[c], 5);
        expect(statistics.variance[c]).toBeCloseTo(expectedVariance[c], 5);
      }
      const standardiser = new BoundaryStandardiser(statistics);
      const standardised = tf.moments(standardiser.apply(flat), 0);
      const [m, v] = [standardised.mean.dataSync(), standardised.variance.dataSync()];
      for (let c = 0; c < channels; c++) {
        expect(m[c]).toBeCloseTo(0, 3);
        expect(v[c]).toBeCloseTo(expectedVariance[c] / (expectedVariance[c] + BOUNDARY_EPSILON), 3);
      }
      standardiser.dispose();
      split.upper.dispose();
    }
    model.dispose();
  });

  it('chooses the statistics images by seed when there are more than the limit', () => {
    const data = faintStripes(20, 4);
    expect(statisticsImages(data, 1, 20)).toBe(data);
    const chosen = statisticsImages(data, 1, 8);
    expect(chosen.count).toBe(8);
    expect(Array.from(statisticsImages(data, 1, 8).images)).toEqual(Array.from(chosen.images));
    expect(Array.from(statisticsImages(data, 2, 8).images)).not.toEqual(Array.from(chosen.images));
  });

  it('a head on raw frozen features of a random net stays at chance where the standardised boundary learns', async () => {
    const train = faintStripes(128, 1);
    const test = faintStripes(64, 2);
    const dims = 4 * 4 * 64;
    // mean 0, variance 1 − ε: the identity, i.e. the protocol before issue #17.
    const raw = await headTop1({ mean: new Float32Array(dims), variance: new Float32Array(dims).fill(1 - BOUNDARY_EPSILON) }, train, test);
    const standardised = await headTop1('estimated', train, test);
    expect(raw).toBeLessThan(0.65);
    expect(standardised).toBeGreaterThan(0.85);
  });
});
