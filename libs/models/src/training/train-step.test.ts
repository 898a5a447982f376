import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { alexnetSmall } from '../architectures/alexnet-small.js';
import { imagesToTensor } from '../features/uint8-images.js';
import { randomImages, useCpuBackend } from '../testing/fixtures.js';
import { SgdMomentum } from './sgd-momentum.js';
import { trainStep } from './train-step.js';

beforeAll(useCpuBackend);

describe('trainStep', () => {
  it('updates weights and batch-norm statistics without leaking tensors', () => {
    const model = alexnetSmall({ inputSize: 16, numClasses: 3, widthMultiplier: 0.05, hiddenUnits: [8, 8], seed: 2 });
    const x = imagesToTensor(randomImages(4, 16));
    const y = tf.tensor1d([0, 1, 2, 0], 'int32');
    const optimizer = new SgdMomentum();
    const movingMean = () => Array.from(model.getLayer('conv2_bn').getWeights()[2].dataSync());
    const meanBefore = movingMean();
    trainStep(model, optimizer, x, y, 0.01); // creates the momentum buffers
    const tensors = tf.memory().numTensors;
    const loss = trainStep(model, optimizer, x, y, 0.01);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(Number.isFinite(loss) && loss > 0).toBe(true);
    expect(movingMean()).not.toEqual(meanBefore);
  });

  it('needs a model ending in the probabilities softmax', () => {
    const input = tf.input({ shape: [2] });
    const model = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 2 }).apply(input) as tf.SymbolicTensor });
    expect(() => trainStep(model, new SgdMomentum(), tf.zeros([1, 2]), tf.tensor1d([0], 'int32'), 0.1)).toThrow(/probabilities/);
  });
});
