import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { alexnetSmall } from '../architectures/alexnet-small.js';
import { jigsawNet } from '../jigsaw/jigsaw-net.js';
import { useCpuBackend } from '../testing/fixtures.js';
import { transferConvWeights } from './transfer-conv-weights.js';

beforeAll(useCpuBackend);

const equal = (a: tf.Tensor, b: tf.Tensor) => tf.util.arraysEqual(a.dataSync(), b.dataSync());
const weightsOf = (model: tf.LayersModel, layer: string) => model.getLayer(layer).getWeights().map((w) => w.clone());

describe('transferConvWeights', () => {
  it('copies conv (and batch-norm) weights from a Jigsaw trunk into a full-size target, leaving fc layers fresh', () => {
    const { model: jigsaw, trunk } = jigsawNet({ arch: 'alexnet', tileSize: 12, numPermutations: 5, widthMultiplier: 0.125, tileFcUnits: 8, hiddenUnits: [8] });
    const target = alexnetSmall({ inputSize: 32, numClasses: 10, widthMultiplier: 0.125, hiddenUnits: [16, 16] });
    const fcBefore = ['fc6', 'fc7', 'fc8'].map((n) => weightsOf(target, n));
    expect(equal(target.getLayer('conv3').getWeights()[0], trunk.getLayer('conv3').getWeights()[0])).toBe(false);

    const copied = transferConvWeights(jigsaw, target);

    expect(copied.map((c) => c.layer)).toEqual(['conv1', 'conv1_bn', 'conv2', 'conv2_bn', 'conv3', 'conv3_bn', 'conv4', 'conv4_bn', 'conv5', 'conv5_bn']);
    for (const name of ['conv1', 'conv3', 'conv5_bn']) {
      const source = trunk.getLayer(name).getWeights();
      target.getLayer(name).getWeights().forEach((w, i) => expect(equal(w, source[i])).toBe(true));
    }
    ['fc6', 'fc7', 'fc8'].forEach((n, i) => target.getLayer(n).getWeights().forEach((w, j) => expect(equal(w, fcBefore[i][j])).toBe(true)));
  });

  it('copies only the named blocks', () => {
    const a = alexnetSmall({ inputSize: 32, numClasses: 3, widthMultiplier: 0.125, hiddenUnits: [8, 8] });
    const b = alexnetSmall({ inputSize: 32, numClasses: 3, widthMultiplier: 0.125, hiddenUnits: [8, 8] });
    const conv2Before = weightsOf(b, 'conv2');
    transferConvWeights(a, b, ['conv1']);
    expect(equal(b.getLayer('conv1').getWeights()[0], a.getLayer('conv1').getWeights()[0])).toBe(true);
    expect(equal(b.getLayer('conv2').getWeights()[0], conv2Before[0])).toBe(true);
  });

  it('refuses mismatched shapes with an error naming the weight, and copies nothing', () => {
    const narrow = alexnetSmall({ inputSize: 32, numClasses: 3, widthMultiplier: 0.125, hiddenUnits: [8, 8] });
    const wide = alexnetSmall({ inputSize: 32, numClasses: 3, widthMultiplier: 0.25, hiddenUnits: [8, 8] });
    const conv1Before = weightsOf(wide, 'conv1');
    expect(() => transferConvWeights(narrow, wide)).toThrow(/conv1\/kernel.*shape \[5,5,3,12\].*\[5,5,3,24\]/);
    expect(equal(wide.getLayer('conv1').getWeights()[0], conv1Before[0])).toBe(true);
  });

  it('names a missing layer', () => {
    const a = alexnetSmall({ inputSize: 32, numClasses: 3, widthMultiplier: 0.125, hiddenUnits: [8, 8] });
    expect(() => transferConvWeights(a, a, ['conv9'])).toThrow(/no layer 'conv9'/);
  });
});
