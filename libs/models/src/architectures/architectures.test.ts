import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { layerShape, randomImages, useCpuBackend } from '../testing/fixtures.js';
import { imagesToTensor } from '../features/uint8-images.js';
import { alexnetSmall } from './alexnet-small.js';
import { buildTrunk } from './build-trunk.js';
import { vggSmall } from './vgg-small.js';

beforeAll(useCpuBackend);

const m = 0.25; // widths 24, 64, 96, 96, 64 keep the tests fast

describe('alexnetSmall', () => {
  it.each([
    // inputSize → spatial size after conv1, pool1/conv2, pool2/conv3-5, pool5
    [32, [32, 16, 8, 4]],
    [64, [32, 16, 8, 4]],
    [96, [32, 16, 8, 4]],
  ])('has the expected layer output shapes at %i×%i', (inputSize, [s1, s2, s3, s5]) => {
    const model = alexnetSmall({ inputSize, numClasses: 10, widthMultiplier: m, hiddenUnits: [64, 32] });
    const shapes = Object.fromEntries(
      ['conv1_relu', 'pool1', 'conv2_relu', 'pool2', 'conv3_relu', 'conv4_relu', 'conv5_relu', 'pool5', 'fc6', 'fc7', 'fc8', 'probabilities'].map((n) => [n, layerShape(model, n)]),
    );
    expect(shapes).toEqual({
      conv1_relu: [s1, s1, 24],
      pool1: [s2, s2, 24],
      conv2_relu: [s2, s2, 64],
      pool2: [s3, s3, 64],
      conv3_relu: [s3, s3, 96],
      conv4_relu: [s3, s3, 96],
      conv5_relu: [s3, s3, 64],
      pool5: [s5, s5, 64],
      fc6: [64],
      fc7: [32],
      fc8: [10],
      probabilities: [10],
    });
  });

  it('names conv1…conv5 and fc6…fc8, with batch norm layers when asked', () => {
    const names = (model: tf.LayersModel) => model.layers.map((l) => l.name);
    const withBn = names(alexnetSmall({ inputSize: 32, numClasses: 4, widthMultiplier: m }));
    expect(withBn).toEqual(expect.arrayContaining(['conv1', 'conv2', 'conv3', 'conv4', 'conv5', 'conv1_bn', 'conv5_bn', 'fc6', 'fc7', 'fc8']));
    const withoutBn = names(alexnetSmall({ inputSize: 32, numClasses: 4, widthMultiplier: m, batchNorm: false }));
    expect(withoutBn.filter((n) => n.endsWith('_bn'))).toEqual([]);
    expect(withoutBn).toContain('conv3_relu');
  });

  it('uses AlexNet geometry (11×11 stride 4) at 224×224', () => {
    const trunk = buildTrunk('alexnet', { inputSize: 224, widthMultiplier: m });
    const conv1 = trunk.getLayer('conv1').getConfig();
    expect(conv1.kernelSize).toEqual([11, 11]);
    expect(conv1.strides).toEqual([4, 4]);
    expect(layerShape(trunk, 'conv1_relu')).toEqual([56, 56, 24]);
  });

  it('has full paper widths at widthMultiplier 1', () => {
    const trunk = buildTrunk('alexnet', { inputSize: 32 });
    expect(['conv1', 'conv2', 'conv3', 'conv4', 'conv5'].map((n) => layerShape(trunk, n)[2])).toEqual([96, 256, 384, 384, 256]);
  });

  it('predicts a probability distribution per image', () => {
    const model = alexnetSmall({ inputSize: 32, numClasses: 5, widthMultiplier: m, hiddenUnits: [16, 16] });
    const x = imagesToTensor(randomImages(3, 32));
    const p = model.predict(x) as tf.Tensor2D;
    expect(p.shape).toEqual([3, 5]);
    for (const sum of p.sum(1).arraySync() as number[]) expect(sum).toBeCloseTo(1, 5);
    tf.dispose([x, p]);
  });

  it('rejects invalid options naming the field', () => {
    expect(() => alexnetSmall({ inputSize: 4, numClasses: 10 })).toThrow(/inputSize/);
    expect(() => alexnetSmall({ inputSize: 32, numClasses: 1 })).toThrow(/numClasses/);
    expect(() => alexnetSmall({ inputSize: 32, numClasses: 10, widthMultipler: 2 } as never)).toThrow(/widthMultipler/);
  });
});

describe('seeded initialisation', () => {
  const weightsOf = (model: tf.LayersModel) => model.getWeights().map((w) => Array.from(w.dataSync()));

  it('builds identical weights from the same seed and different ones otherwise', () => {
    const build = (seed?: number) => alexnetSmall({ inputSize: 32, numClasses: 4, widthMultiplier: m, hiddenUnits: [8, 8], seed });
    expect(weightsOf(build(7))).toEqual(weightsOf(build(7)));
    expect(weightsOf(build(7))).not.toEqual(weightsOf(build(8)));
    expect(weightsOf(build())).not.toEqual(weightsOf(build()));
    const vgg = (seed: number) => weightsOf(vggSmall({ inputSize: 32, numClasses: 4, widthMultiplier: 0.0625, hiddenUnits: [8, 8], seed }));
    expect(vgg(3)).toEqual(vgg(3));
  });
});

describe('vggSmall', () => {
  it.each([
    [32, [32, 16, 8, 4, 2, 1]],
    [64, [32, 16, 8, 4, 2, 1]],
  ])('has 10 convs with the expected shapes at %i×%i', (inputSize, [s1, s2, s3, s4, s5, p5]) => {
    const model = vggSmall({ inputSize, numClasses: 10, widthMultiplier: m, hiddenUnits: [32, 32] });
    const convs = model.layers.filter((l) => l.getClassName() === 'Conv2D').map((l) => l.name);
    expect(convs).toEqual(['conv1_1', 'conv1_2', 'conv2_1', 'conv2_2', 'conv3_1', 'conv3_2', 'conv4_1', 'conv4_2', 'conv5_1', 'conv5_2']);
    expect(layerShape(model, 'conv1_2_relu')).toEqual([s1, s1, 16]);
    expect(layerShape(model, 'conv2_2_relu')).toEqual([s2, s2, 32]);
    expect(layerShape(model, 'conv3_2_relu')).toEqual([s3, s3, 64]);
    expect(layerShape(model, 'conv4_2_relu')).toEqual([s4, s4, 128]);
    expect(layerShape(model, 'conv5_2_relu')).toEqual([s5, s5, 128]);
    expect(layerShape(model, 'pool5')).toEqual([p5, p5, 128]);
    expect(layerShape(model, 'fc8')).toEqual([10]);
  });

  it('takes VGG16 depth per stage', () => {
    const trunk = buildTrunk('vgg', { inputSize: 32, widthMultiplier: m, convsPerStage: [2, 2, 3, 3, 3] });
    expect(trunk.layers.filter((l) => l.getClassName() === 'Conv2D')).toHaveLength(13);
    expect(() => trunk.getLayer('conv5_3')).not.toThrow();
  });
});
