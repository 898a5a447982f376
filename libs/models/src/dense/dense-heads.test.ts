import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildTrunk } from '../architectures/build-trunk.js';
import { useCpuBackend } from '../testing/fixtures.js';
import { buildCenterNet, centerNetLoss, centerNetPlanes } from './centernet-head.js';
import { decodeCenterNet, encodeCenterNetTargets, packCenterNetTargets, type BoxObject } from './centernet-targets.js';
import { buildFcnSegmenter, predictLabels, segmentationLoss } from './fcn-head.js';

beforeAll(useCpuBackend);

const geometry = { numClasses: 3, inputSize: 96, stride: 12 };
const objects: BoxObject[] = [
  { classId: 0, box: { x: 5, y: 7, w: 30, h: 25 } },
  { classId: 2, box: { x: 50, y: 40, w: 40, h: 44 } },
  { classId: 0, box: { x: 60, y: 2, w: 24, h: 30 } },
  { classId: 1, box: { x: 70, y: 70, w: 26, h: 26 } },
];
const byPosition = (a: { box: { x: number; y: number } }, b: { box: { x: number; y: number } }) => a.box.x - b.box.x || a.box.y - b.box.y;

describe('CenterNet targets', () => {
  it('decoding the exact targets gives back the encoded boxes and classes', () => {
    const targets = encodeCenterNetTargets(objects, geometry);
    const decoded = decodeCenterNet(targets, geometry).sort(byPosition);
    expect(decoded).toHaveLength(objects.length);
    [...objects].sort(byPosition).forEach((object, i) => {
      expect(decoded[i].classId).toBe(object.classId);
      expect(decoded[i].score).toBe(1);
      for (const key of ['x', 'y', 'w', 'h'] as const) expect(decoded[i].box[key]).toBeCloseTo(object.box[key], 4);
    });
  });

  it('puts heat 1 exactly at centre cells, a Gaussian around them, and sub-cell offsets in [0, 1)', () => {
    const targets = encodeCenterNetTargets([objects[1]], geometry);
    // Box centre (70, 62) px → (5.83, 5.17) cells → cell (5, 5).
    const cell = 5 * 8 + 5;
    expect(targets.heatmap[cell * 3 + 2]).toBe(1);
    expect(targets.centres.reduce((a, b) => a + b, 0)).toBe(1);
    expect(targets.heatmap[(5 * 8 + 4) * 3 + 2]).toBeGreaterThan(0);
    expect(targets.heatmap[(5 * 8 + 4) * 3 + 2]).toBeLessThan(1);
    expect(targets.heatmap.filter((_, i) => i % 3 !== 2).every((v) => v === 0)).toBe(true);
    expect(targets.offset[cell * 2]).toBeCloseTo(70 / 12 - 5, 6);
    expect(targets.offset[cell * 2 + 1]).toBeCloseTo(62 / 12 - 5, 6);
    expect([targets.size[cell * 2], targets.size[cell * 2 + 1]]).toEqual([Math.fround(40 / 12), Math.fround(44 / 12)]);
  });

  it('rejects objects of unknown classes and grids that do not divide the input', () => {
    expect(() => encodeCenterNetTargets([{ classId: 3, box: { x: 0, y: 0, w: 5, h: 5 } }], geometry)).toThrow(/class 3 is outside 0..2/);
    expect(() => encodeCenterNetTargets([], { ...geometry, stride: 7 })).toThrow(/not a whole multiple of stride 7/);
  });
});

const trunk = () => buildTrunk('alexnet', { inputSize: 96, widthMultiplier: 0.25, seed: 3 });

describe('dense heads on the AlexNet-style trunk at 96×96', () => {
  it('CenterNet reads conv5 (8×8, stride 12) and outputs K heat-maps + size + offset', () => {
    const net = buildCenterNet(trunk(), { numClasses: 10, headChannels: 16, seed: 1 });
    expect(net.model.outputs[0].shape).toEqual([null, 8, 8, 14]);
    expect([net.gridSize, net.stride, net.inputSize]).toEqual([8, 12, 96]);
    const coarse = buildCenterNet(trunk(), { numClasses: 10, tap: 'pool5' });
    expect([coarse.gridSize, coarse.stride]).toEqual([4, 24]);
  });

  it('FCN outputs per-pixel logits at the input size', () => {
    const fcn = buildFcnSegmenter(trunk(), { numLabels: 11, seed: 1 });
    expect(fcn.model.outputs[0].shape).toEqual([null, 96, 96, 11]);
    expect(fcn.stride).toBe(12);
    const logits = fcn.model.predict(tf.zeros([2, 96, 96, 3])) as tf.Tensor4D;
    expect(predictLabels(logits).shape).toEqual([2, 96, 96]);
    tf.dispose(logits);
  });

  it('shares the trunk’s layers, so freezing the trunk leaves only the head trainable', () => {
    const t = trunk();
    const net = buildCenterNet(t, { numClasses: 2, headChannels: 8 });
    expect(net.model.getLayer('conv1')).toBe(t.getLayer('conv1'));
    for (const layer of t.layers) layer.trainable = false;
    expect(net.model.trainableWeights.map((w) => w.originalName.split('/')[0]).every((name) => name.startsWith('centernet_'))).toBe(true);
  });

  it('explains a tap whose grid does not divide the input', () => {
    const odd = buildTrunk('alexnet', { inputSize: 100, widthMultiplier: 0.25 });
    expect(() => buildFcnSegmenter(odd, { numLabels: 3 })).toThrow(/input 100×100 is not a whole multiple of tap 'conv5' \(9×9\)/);
  });
});

/** One 96×96 scene: noise background, a red 36×30 block (class 0) and a blue 30×40 block (class 1). */
function tinyScene() {
  const image = new Float32Array(96 * 96 * 3);
  const labels = new Int32Array(96 * 96);
  let state = 7;
  for (let p = 0; p < 96 * 96; p++) {
    for (let c = 0; c < 3; c++) image[p * 3 + c] = ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 0.4 - 0.2;
  }
  const sceneObjects: BoxObject[] = [
    { classId: 0, box: { x: 8, y: 10, w: 36, h: 30 } },
    { classId: 1, box: { x: 52, y: 44, w: 30, h: 40 } },
  ];
  for (const { classId, box } of sceneObjects) {
    for (let y = box.y; y < box.y + box.h; y++) {
      for (let x = box.x; x < box.x + box.w; x++) {
        image.set(classId === 0 ? [0.9, -0.5, -0.5] : [-0.5, -0.5, 0.9], (y * 96 + x) * 3);
        labels[y * 96 + x] = classId + 1;
      }
    }
  }
  return { image: tf.tensor4d(image, [1, 96, 96, 3]), labels, objects: sceneObjects };
}

/**
 * Adam steps on `loss` with the trunk frozen (the frozen protocol; tfjs's cpu backend computes conv filter gradients
 * too slowly for a unit test to fine-tune the trunk); returns the loss before the first and after the last step.
 */
function overfit(model: tf.LayersModel, loss: () => tf.Scalar, steps: number, learningRate = 1e-2): [number, number] {
  for (const layer of model.layers) if (!/^(centernet_|fcn_)/.test(layer.name)) layer.trainable = false;
  const optimizer = tf.train.adam(learningRate);
  const values: number[] = [];
  for (let step = 0; step < steps; step++) {
    const value = optimizer.minimize(loss, true, model.trainableWeights.map((w) => w.read() as tf.Variable))!;
    values.push(value.dataSync()[0]);
    value.dispose();
  }
  const last = loss();
  values.push(last.dataSync()[0]);
  last.dispose();
  optimizer.dispose();
  return [values[0], values[values.length - 1]];
}

describe('training the heads on one scene', () => {
  it('CenterNet: a few steps cut the loss', () => {
    const scene = tinyScene();
    const net = buildCenterNet(trunk(), { numClasses: 2, headChannels: 4, seed: 2 });
    const packed = packCenterNetTargets([encodeCenterNetTargets(scene.objects, { numClasses: 2, inputSize: 96, stride: net.stride })]);
    const targets = tf.tensor4d(packed.data, packed.shape);
    const [before, after] = overfit(net.model, () => centerNetLoss(net.model.apply(scene.image, { training: true }) as tf.Tensor4D, targets, 2), 8);
    expect(after).toBeLessThan(before * 0.5);
    tf.dispose([scene.image, targets]);
  }, 20_000);

  it('FCN: a few steps cut the per-pixel cross-entropy', () => {
    const scene = tinyScene();
    const fcn = buildFcnSegmenter(trunk(), { numLabels: 3, seed: 2 });
    const labels = tf.tensor3d(scene.labels, [1, 96, 96], 'int32');
    const [before, after] = overfit(fcn.model, () => segmentationLoss(fcn.model.apply(scene.image, { training: true }) as tf.Tensor4D, labels), 10, 3e-2);
    expect(after).toBeLessThan(before * 0.5);
    tf.dispose([scene.image, labels]);
  }, 20_000);

  it('centerNetPlanes turns the model output into decodable planes', async () => {
    const net = buildCenterNet(trunk(), { numClasses: 2, headChannels: 8, seed: 4 });
    const output = net.model.predict(tf.zeros([1, 96, 96, 3])) as tf.Tensor4D;
    const planes = await centerNetPlanes(output, 0, 2);
    expect([planes.heatmap.length, planes.size.length, planes.offset.length]).toEqual([128, 128, 128]);
    expect(planes.heatmap.every((v) => v > 0 && v < 1)).toBe(true);
    expect(decodeCenterNet(planes, { numClasses: 2, inputSize: 96, stride: 12, scoreThreshold: 1.01 })).toEqual([]);
    output.dispose();
  });
});
