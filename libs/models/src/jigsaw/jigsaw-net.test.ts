import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useCpuBackend } from '../testing/fixtures.js';
import { SgdMomentum } from '../training/sgd-momentum.js';
import { trainStep } from '../training/train-step.js';
import { jigsawNet, jigsawTrunk, type JigsawNetOptions } from './jigsaw-net.js';

beforeAll(useCpuBackend);

const small: Omit<JigsawNetOptions, 'arch'> = { tileSize: 12, numPermutations: 6, widthMultiplier: 0.125, tileFcUnits: 16, hiddenUnits: [24], dropout: 0 };

function paramCount(weights: tf.LayerVariable[]): number {
  return weights.reduce((sum, w) => sum + (w.shape as number[]).reduce((a, b) => a * b, 1), 0);
}

describe('jigsawNet', () => {
  it('maps [batch, 9, t, t, C] puzzles to a distribution over permutations', () => {
    const { model } = jigsawNet({ arch: 'alexnet', ...small });
    expect(model.inputs[0].shape).toEqual([null, 9, 12, 12, 3]);
    const p = model.predict(tf.randomUniform([2, 9, 12, 12, 3])) as tf.Tensor2D;
    expect(p.shape).toEqual([2, 6]);
    for (const sum of p.sum(1).arraySync() as number[]) expect(sum).toBeCloseTo(1, 5);
  });

  it('holds exactly one set of trunk weights: parameters = trunk + head', () => {
    const { model, trunk } = jigsawNet({ arch: 'alexnet', ...small });
    const headLayers = ['fc6', 'fc7', 'fc8'].map((n) => model.getLayer(n));
    const head = headLayers.reduce((sum, layer) => sum + paramCount(layer.weights), 0);
    expect(paramCount(model.weights)).toBe(paramCount(trunk.weights) + head);
    expect(model.countParams()).toBe(trunk.countParams() + head);
    expect(jigsawTrunk(model)).toBe(trunk);
  });

  it('feeds every tile through the same trunk: changing a trunk weight changes all 9 tile embeddings', () => {
    const { model, trunk } = jigsawNet({ arch: 'alexnet', ...small });
    const embeddings = tf.model({ inputs: model.inputs, outputs: model.getLayer('fc6').output as tf.SymbolicTensor });
    const puzzle = tf.randomUniform([1, 9, 12, 12, 3], 0.1, 1);
    const before = embeddings.predict(puzzle) as tf.Tensor3D;
    const conv1 = trunk.getLayer('conv1');
    conv1.setWeights(conv1.getWeights().map((w) => w.mul(1.5).add(0.01)));
    const after = embeddings.predict(puzzle) as tf.Tensor3D;
    const changePerTile = before.sub(after).abs().sum(2).arraySync() as number[][];
    expect(changePerTile[0]).toHaveLength(9);
    for (const change of changePerTile[0]) expect(change).toBeGreaterThan(1e-4);
  });

  it('keeps tiles in puzzle order: swapping two tiles changes the prediction', () => {
    const { model } = jigsawNet({ arch: 'alexnet', ...small });
    const puzzle = tf.randomUniform([1, 9, 12, 12, 3]);
    const tiles = tf.unstack(puzzle, 1);
    [tiles[0], tiles[4]] = [tiles[4], tiles[0]];
    const swapped = tf.stack(tiles, 1);
    const diff = tf.sub(model.predict(puzzle) as tf.Tensor, model.predict(swapped) as tf.Tensor).abs().max().dataSync()[0];
    expect(diff).toBeGreaterThan(1e-6);
  });

  it('learns: a few SGD steps on a tiny batch reduce the loss and move trunk weights', () => {
    // tfjs's cpu backend computes conv filter gradients naively, so this net is as small as it gets.
    const { model, trunk } = jigsawNet({ arch: 'alexnet', ...small, tileSize: 8, numPermutations: 3, widthMultiplier: 0.05 });
    const puzzles = tf.randomUniform([2, 9, 8, 8, 3], 0, 1, 'float32', 7);
    const labels = tf.tensor1d([0, 2], 'int32');
    const conv1Before = trunk.getLayer('conv1').getWeights()[0].clone();
    const optimizer = new SgdMomentum({ momentum: 0.9, weightDecay: 5e-4 });
    const losses = Array.from({ length: 6 }, () => trainStep(model, optimizer, puzzles, labels, 0.02));
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[losses.length - 1]).toBeLessThan(losses[0] * 0.7);
    const moved = conv1Before.sub(trunk.getLayer('conv1').getWeights()[0]).abs().max().dataSync()[0];
    expect(moved).toBeGreaterThan(0);
  }, 30_000);

  it('builds a VGG trunk too', () => {
    const { model, trunk } = jigsawNet({ arch: 'vgg', ...small });
    expect(trunk.layers.filter((l) => l.getClassName() === 'Conv2D')).toHaveLength(10);
    expect((model.predict(tf.zeros([1, 9, 12, 12, 3])) as tf.Tensor).shape).toEqual([1, 6]);
  });

  it('rejects bad options naming the field', () => {
    expect(() => jigsawNet({ arch: 'alexnet', tileSize: 12, numPermutations: 1 })).toThrow(/numPermutations/);
    expect(() => jigsawNet({ arch: 'resnet' as never, tileSize: 12, numPermutations: 10 })).toThrow(/arch/);
    expect(() => jigsawNet({ arch: 'alexnet', tileSize: 12, numPermutations: 10, tileSise: 3 } as never)).toThrow(/tileSise/);
  });
});
