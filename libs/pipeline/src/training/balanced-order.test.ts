import { describe, expect, it } from 'vitest';
import { epochOrder } from './balanced-order';

/** How often each label is drawn in an epoch's order. */
function drawsPerLabel(order: Int32Array, labels: Int32Array, numLabels: number): number[] {
  const counts = new Array<number>(numLabels).fill(0);
  for (const index of order) counts[labels[index]]++;
  return counts;
}

/** 90 images of label 0, 8 of label 1, 1 of label 2: a pseudo-labelling with one huge and two tiny clusters. */
const skewed = Int32Array.from({ length: 99 }, (_, i) => (i < 90 ? 0 : i < 98 ? 1 : 2));

describe('epochOrder', () => {
  it('class-balanced: every label gets the same share of the epoch, however skewed the labels', () => {
    const order = epochOrder(skewed, 11, true);
    expect(order).toHaveLength(99);
    expect(drawsPerLabel(order, skewed, 3)).toEqual([33, 33, 33]);
    // the single image of label 2 is drawn 33 times, and every draw is an image of this dataset
    expect(order.filter((index) => index === 98)).toHaveLength(33);
    expect(order.every((index) => index >= 0 && index < skewed.length)).toBe(true);
  });

  it('class-balanced: when the epoch does not divide by the labels, the shares differ by less than one per label', () => {
    const labels = Int32Array.from(skewed.subarray(0, 98));
    labels[97] = 2; // 90 / 7 / 1 images, 98 draws over 3 labels
    const counts = drawsPerLabel(epochOrder(labels, 3, true), labels, 3);
    expect(counts.reduce((a, b) => a + b)).toBe(98);
    for (const count of counts) expect(count === 32 || count === 33).toBe(true);
  });

  it('class-balanced: the draws are mixed across labels, not in label blocks, and change with the seed', () => {
    const order = epochOrder(skewed, 11, true);
    const firstThird = Array.from(order.subarray(0, 33), (index) => skewed[index]);
    expect(new Set(firstThird)).toEqual(new Set([0, 1, 2]));
    expect(Array.from(epochOrder(skewed, 11, true))).toEqual(Array.from(order));
    expect(Array.from(epochOrder(skewed, 12, true))).not.toEqual(Array.from(order));
  });

  it('unbalanced: a seeded permutation, so each image once and the labels in their own proportions', () => {
    const order = epochOrder(skewed, 5, false);
    expect(Array.from(order).sort((a, b) => a - b)).toEqual(Array.from(skewed.keys()));
    expect(drawsPerLabel(order, skewed, 3)).toEqual([90, 8, 1]);
    expect(Array.from(order)).not.toEqual(Array.from(skewed.keys()));
    expect(Array.from(epochOrder(skewed, 5, false))).toEqual(Array.from(order));
  });
});
