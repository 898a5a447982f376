import { describe, expect, it } from 'vitest';
import { bucketCount, chooseResolution, SUMMARY_LEVEL_BITS } from './series-resolution';

describe('chooseResolution', () => {
  it('reads a 1M-step series from the 256-step summaries in ≤ 2,000 aligned buckets of 512 steps', () => {
    expect(chooseResolution(0, 999_999, 2000)).toEqual({ level: 2, width: 512 });
    expect(bucketCount(0, 999_999, 512)).toBe(1954);
  });

  it('groups the raw points when fewer than 16 steps fall into a bucket', () => {
    expect(chooseResolution(0, 4999, 1000)).toEqual({ level: 0, width: 5 });
    expect(chooseResolution(0, 4999, 100)).toEqual({ level: 1, width: 64 });
  });

  it('never exceeds maxPoints, whatever the offset of the range', () => {
    for (const [first, last, maxPoints] of [
      [7, 20_006, 2000],
      [123_456, 9_876_543, 1500],
      [0, 2 ** 31 - 1, 10],
      [5, 5, 1],
      [1, 17, 16],
      [999, 2_000_000_000, 20_000],
    ]) {
      const { level, width } = chooseResolution(first, last, maxPoints);
      expect(width % 2 ** (SUMMARY_LEVEL_BITS * level)).toBe(0);
      expect(bucketCount(first, last, width)).toBeLessThanOrEqual(maxPoints);
      // the finest level not finer than needed: one level up would be coarser than a bucket
      expect(2 ** (SUMMARY_LEVEL_BITS * level)).toBeLessThanOrEqual(Math.max(1, width));
    }
  });

  it('names a bad range', () => {
    expect(() => chooseResolution(10, 5, 100)).toThrow('0 ≤ first ≤ last');
    expect(() => chooseResolution(0, 5, 0)).toThrow('maxPoints');
  });
});
