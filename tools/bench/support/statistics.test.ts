import { describe, expect, it } from 'vitest';
import { median } from './statistics';

describe('median', () => {
  it('is the middle value of an odd count and the mean of the two middle values of an even count, in any order', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
  });

  it('leaves its input unsorted and is NaN for no values', () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
    expect(median([])).toBeNaN();
  });
});
