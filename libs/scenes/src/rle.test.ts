import { describe, expect, it } from 'vitest';
import { decodeRle, encodeRle } from './rle.js';

describe('COCO RLE', () => {
  it('runs down the columns, starting with background', () => {
    // 2 rows × 3 columns; column-major order reads 1,0 | 1,1 | 0,0.
    const labels = [3, 3, 0, 0, 3, 0];
    expect(encodeRle(labels, 3, 2, 3)).toEqual({ size: [2, 3], counts: [0, 1, 1, 2, 2] });
    expect(encodeRle([0, 0, 0, 0], 2, 2, 1)).toEqual({ size: [2, 2], counts: [4] });
  });

  it('round-trips any mask', () => {
    let state = 9;
    const labels = Array.from({ length: 7 * 5 }, () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) >>> 29) % 3);
    const rle = encodeRle(labels, 7, 5, 2);
    expect(Array.from(decodeRle(rle))).toEqual(labels.map((v) => (v === 2 ? 1 : 0)));
  });

  it('rejects runs that do not cover the mask', () => {
    expect(() => decodeRle({ size: [2, 2], counts: [1, 1] })).toThrow(/cover 2 pixels, the mask has 2×2 = 4/);
  });
});
