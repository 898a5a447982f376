import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { labelledBatch } from './image-batches';

const images = { data: Uint8Array.from({ length: 4 * 8 * 8 * 3 }, (_, i) => (i * 37) % 251), count: 4, height: 8, width: 8, channels: 3 };
const labels = Int32Array.from([3, 1, 4, 1]);
const indices = Int32Array.from([2, 0]);

describe('labelledBatch', () => {
  it('gathers the indexed images and their labels; augmentation replays per (seed, step) and changes the pixels', async () => {
    const read = async (augmentStep?: number) => {
      const batch = labelledBatch(images as never, labels, indices, augmentStep === undefined ? undefined : { augment: { flip: true, shift: 0.25 }, seed: 5, step: augmentStep });
      const [x, y] = [await batch.x.data(), await batch.y.data()];
      tf.dispose([batch.x, batch.y]);
      return { x: [...x], y: [...y] };
    };
    const plain = await read();
    expect(plain.y).toEqual([4, 3]);
    expect(plain.x.length).toBe(2 * 8 * 8 * 3);
    const augmented = await read(3);
    expect(augmented.y).toEqual([4, 3]);
    expect(augmented.x).not.toEqual(plain.x);
    expect(await read(3)).toEqual(augmented);
    expect((await read(4)).x).not.toEqual(augmented.x);
  });
});
