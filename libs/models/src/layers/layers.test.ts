import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { alexnetSmall } from '../architectures/alexnet-small.js';
import { vggSmall } from '../architectures/vgg-small.js';
import { jigsawNet } from '../jigsaw/jigsaw-net.js';
import { useCpuBackend } from '../testing/fixtures.js';
import { convTaps } from './conv-taps.js';
import { logitsModel } from './logits-model.js';
import { modelCost } from './model-cost.js';
import { resolveTap, tapModel } from './tap-model.js';
import { splitAt } from './split-at.js';
import { SgdMomentum } from '../training/sgd-momentum.js';
import { trainStep } from '../training/train-step.js';

beforeAll(useCpuBackend);

const alexnet = alexnetSmall({ inputSize: 32, numClasses: 10, widthMultiplier: 0.125, hiddenUnits: [16, 8] });

describe('taps', () => {
  it('lists conv1…conv5 for both architectures and resolves them to block outputs', () => {
    expect(convTaps(alexnet)).toEqual(['conv1', 'conv2', 'conv3', 'conv4', 'conv5']);
    const vgg = vggSmall({ inputSize: 32, numClasses: 10, widthMultiplier: 0.0625, hiddenUnits: [8, 8] });
    expect(convTaps(vgg)).toEqual(['conv1', 'conv2', 'conv3', 'conv4', 'conv5']);
    expect(resolveTap(vgg, 'conv2').layer.name).toBe('conv2_2_relu');
    expect(resolveTap(vgg, 'conv2_1').layer.name).toBe('conv2_1_relu');
    expect(resolveTap(alexnet, 'pool5').layer.name).toBe('pool5');
    expect(resolveTap(alexnet, 'conv4_bn').layer.name).toBe('conv4_bn');
  });

  it("finds a Jigsaw net's conv layers in its shared trunk", () => {
    const { model, trunk } = jigsawNet({ arch: 'alexnet', tileSize: 12, numPermutations: 4, widthMultiplier: 0.125, tileFcUnits: 8, hiddenUnits: [8] });
    expect(convTaps(model)).toEqual(['conv1', 'conv2', 'conv3', 'conv4', 'conv5']);
    const resolved = resolveTap(model, 'conv3');
    expect(resolved.model).toBe(trunk);
    expect(resolveTap(model, 'fc7').model).toBe(model);
  });

  it('gives logits whose softmax is the model output', () => {
    const x = tf.randomUniform([2, 32, 32, 3]);
    const logits = logitsModel(alexnet).predict(x) as tf.Tensor;
    const diff = tf.sub(tf.softmax(logits), alexnet.predict(x) as tf.Tensor).abs().max().dataSync()[0];
    expect(diff).toBeLessThan(1e-6);
    expect(() => logitsModel(logitsModel(alexnet))).toThrow(/does not end with a 'probabilities'/);
  });
});

describe('splitAt', () => {
  it('splits a classifier into lower and upper models that compose to the original', () => {
    const model = alexnetSmall({ inputSize: 32, numClasses: 5, widthMultiplier: 0.125, hiddenUnits: [16, 8], seed: 4 });
    const { lower, upper } = splitAt(model, 'conv3');
    expect(lower.outputs[0].shape).toEqual([null, 8, 8, 48]);
    expect(upper.layers.map((l) => l.name)).toEqual(expect.arrayContaining(['conv4', 'conv5_bn', 'pool5', 'fc6', 'fc8', 'probabilities']));
    expect(upper.layers.map((l) => l.name)).not.toContain('conv3');
    const x = tf.randomUniform([2, 32, 32, 3]);
    const composed = upper.predict(lower.predict(x) as tf.Tensor) as tf.Tensor;
    expect(tf.sub(composed, model.predict(x) as tf.Tensor).abs().max().dataSync()[0]).toBeLessThan(1e-6);
    // The original model's taps and logits still work after its layers were re-applied in `upper`.
    expect(tapModel(model, 'conv5').outputs[0].shape).toEqual([null, 8, 8, 32]);
    expect(logitsModel(upper).outputs[0].shape).toEqual([null, 5]);
    expect(tapModel(upper, 'fc7').outputs[0].shape).toEqual([null, 8]);
  });

  it('trains the upper part only, on frozen features', () => {
    const model = alexnetSmall({ inputSize: 16, numClasses: 3, widthMultiplier: 0.05, hiddenUnits: [8, 8], dropout: 0, seed: 5 });
    const { lower, upper } = splitAt(model, 'conv5');
    const conv1 = model.getLayer('conv1').getWeights().map((w) => w.clone());
    const fc8 = model.getLayer('fc8').getWeights()[0].clone();
    const features = lower.predict(tf.randomUniform([4, 16, 16, 3])) as tf.Tensor;
    trainStep(upper, new SgdMomentum(), features, tf.tensor1d([0, 1, 2, 0], 'int32'), 0.1);
    model.getLayer('conv1').getWeights().forEach((w, i) => expect(tf.util.arraysEqual(w.dataSync(), conv1[i].dataSync())).toBe(true));
    expect(tf.util.arraysEqual(model.getLayer('fc8').getWeights()[0].dataSync(), fc8.dataSync())).toBe(false);
  });

  it('refuses taps inside nested models', () => {
    const { model } = jigsawNet({ arch: 'alexnet', tileSize: 12, numPermutations: 4, widthMultiplier: 0.125, tileFcUnits: 8, hiddenUnits: [8] });
    expect(() => splitAt(model, 'conv3')).toThrow(/nested model/);
  });
});

describe('modelCost', () => {
  it('counts conv and dense multiply-accumulates per input', () => {
    const input = tf.input({ shape: [4, 4, 2] });
    const conv = tf.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same' }).apply(input) as tf.SymbolicTensor;
    const dense = tf.layers.dense({ units: 5 }).apply(tf.layers.flatten().apply(conv)) as tf.SymbolicTensor;
    const cost = modelCost(tf.model({ inputs: input, outputs: dense }));
    expect(cost.macsPerInput).toBe(4 * 4 * (3 * 3 * 2 * 3) + 48 * 5);
    expect(cost.params).toBe(3 * 3 * 2 * 3 + 3 + 48 * 5 + 5);
  });

  it('counts a Jigsaw trunk once per tile', () => {
    const { model, trunk } = jigsawNet({ arch: 'alexnet', tileSize: 12, numPermutations: 4, widthMultiplier: 0.125, tileFcUnits: 8, hiddenUnits: [8], numTiles: 9 });
    const head = ['fc6', 'fc7', 'fc8'].reduce((sum, n) => {
      const kernel = model.getLayer(n).weights[0].shape as number[];
      return sum + kernel[0] * kernel[1] * (n === 'fc6' ? 9 : 1);
    }, 0);
    expect(modelCost(model).macsPerInput).toBe(9 * modelCost(trunk).macsPerInput + head);
  });
});
