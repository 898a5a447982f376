import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { heldOutTop1 } from './pretext.stage';

describe('heldOutTop1', () => {
  it('counts the examples whose class the net ranks first, across measurement batches', async () => {
    await tf.setBackend('cpu');
    const tileSize = 2;
    const size = 300; // more than one measurement batch of 128
    // A "net" that ignores its input and always ranks permutation 1 of 3 first.
    const input = tf.input({ shape: [9, tileSize, tileSize, 3] });
    const dense = tf.layers.dense({ units: 3 });
    const model = tf.model({ inputs: input, outputs: dense.apply(tf.layers.flatten().apply(input)) as tf.SymbolicTensor });
    dense.setWeights([tf.zeros([9 * tileSize * tileSize * 3, 3]), tf.tensor1d([0, 1, 0])]);
    const labels = Int32Array.from({ length: size }, (_, i) => i % 3);
    const puzzles = { size, x: new Float32Array(size * 9 * tileSize * tileSize * 3), shape: [9, tileSize, tileSize, 3], labels };
    expect(await heldOutTop1(model, puzzles)).toBeCloseTo(100 / 300, 10);
    labels.fill(1);
    expect(await heldOutTop1(model, puzzles)).toBe(1);
    labels.fill(2);
    expect(await heldOutTop1(model, puzzles)).toBe(0);
    model.dispose();
  });
});
