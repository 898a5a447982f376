import { describe, expect, it } from 'vitest';
import { ConfusionMatrix, meanIoU, segmentationScores } from './segmentation-iou.js';

// prettier-ignore
const truth = [
  0, 0, 1, 1,
  0, 0, 1, 1,
  2, 2, 0, 0,
  2, 2, 0, 0,
];
// prettier-ignore
const predicted = [
  0, 0, 1, 1,
  0, 1, 1, 1,
  2, 2, 2, 0,
  0, 2, 0, 0,
];

describe('mean IoU', () => {
  it('matches a 4×4 map worked out by hand', () => {
    // background: TP 6, FP 1 (a class-2 pixel called background), FN 2 → 6/9
    // class 1:    TP 4, FP 1, FN 0 → 4/5
    // class 2:    TP 3, FP 1, FN 1 → 3/5
    const scores = meanIoU(truth, predicted, 3);
    expect(scores.iou[0]).toBeCloseTo(6 / 9, 12);
    expect(scores.iou[1]).toBeCloseTo(4 / 5, 12);
    expect(scores.iou[2]).toBeCloseTo(3 / 5, 12);
    expect(scores.meanIoU).toBeCloseTo(31 / 45, 12);
    expect(scores.pixelAccuracy).toBe(13 / 16);
  });

  it('is 1 for a perfect prediction and leaves labels that never occur out of the mean', () => {
    const scores = meanIoU(truth, truth, 5);
    expect(scores.meanIoU).toBe(1);
    expect(scores.iou.slice(3).every(Number.isNaN)).toBe(true);
  });

  it('accumulates over images and skips the ignore label', () => {
    const matrix = new ConfusionMatrix(3, 255);
    matrix.add(truth.slice(0, 8), predicted.slice(0, 8)).add(truth.slice(8), predicted.slice(8));
    expect(segmentationScores(matrix).meanIoU).toBeCloseTo(31 / 45, 12);
    matrix.add([255, 255], [1, 2]);
    expect(segmentationScores(matrix).pixels).toBe(16);
  });

  it('rejects labels out of range and maps of different sizes', () => {
    expect(() => meanIoU([0, 3], [0, 0], 3)).toThrow(/ground-truth label 3 at pixel 1/);
    expect(() => meanIoU([0, 1], [0, 0, 0], 3)).toThrow(/differ in size/);
  });
});
