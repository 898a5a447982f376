import { describe, expect, it } from 'vitest';
import { assertConsistentDataset, imageAt, subsetDataset, type ImageDataset } from './image-dataset.js';

/** Four 2×2 grey images whose pixels all equal 10·index. */
const dataset = (): ImageDataset => ({
  count: 4,
  size: 2,
  channels: 1,
  images: Uint8Array.from({ length: 16 }, (_, i) => 10 * Math.floor(i / 4)),
  labels: Int32Array.from([0, 1, 0, 1]),
  classes: ['a', 'b'],
  ids: ['w', 'x', 'y', 'z'],
  skipped: [{ file: 'broken.png', reason: 'cannot decode' }],
  loadedFrom: 'source',
});

describe('ImageDataset helpers', () => {
  it('views one image without copying and checks the index', () => {
    const data = dataset();
    expect(Array.from(imageAt(data, 2))).toEqual([20, 20, 20, 20]);
    imageAt(data, 2)[0] = 99;
    expect(data.images[8]).toBe(99);
    expect(() => imageAt(data, 4)).toThrow(/out of range 0\.\.3/);
  });

  it('copies a subset in the given order with its ids and labels', () => {
    const subset = subsetDataset(dataset(), [3, 1]);
    expect(subset).toMatchObject({ count: 2, ids: ['z', 'x'], classes: ['a', 'b'] });
    expect(Array.from(subset.images)).toEqual([30, 30, 30, 30, 10, 10, 10, 10]);
    expect(Array.from(subset.labels!)).toEqual([1, 1]);
    assertConsistentDataset(subset);
  });

  it('notices parts that disagree', () => {
    expect(() => assertConsistentDataset({ ...dataset(), images: new Uint8Array(15) })).toThrow(/15 pixel bytes, expected 16/);
    expect(() => assertConsistentDataset({ ...dataset(), ids: ['w'] })).toThrow(/1 ids for 4 images/);
    expect(() => assertConsistentDataset({ ...dataset(), labels: Int32Array.from([0, 1, 2, 0]) })).toThrow(/label 2 is outside the 2 classes/);
  });
});
