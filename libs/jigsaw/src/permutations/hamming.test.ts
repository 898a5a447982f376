import { describe, expect, it } from 'vitest';
import { hammingDistance, hammingStats } from './hamming';
import { createPermutationSet } from './permutation-set';

describe('hamming', () => {
  it('counts differing slots', () => {
    const identity = [0, 1, 2, 3, 4, 5, 6, 7, 8];
    expect(hammingDistance(identity, identity)).toBe(0);
    expect(hammingDistance(identity, [1, 0, 2, 3, 4, 5, 6, 7, 8])).toBe(2);
    expect(hammingDistance(identity, [1, 2, 0, 3, 4, 5, 6, 7, 8])).toBe(3);
    expect(hammingDistance(identity, [8, 0, 1, 2, 3, 4, 5, 6, 7])).toBe(9);
  });

  it('computes min / mean / max over all pairs', () => {
    const set = createPermutationSet(
      Uint8Array.from([
        ...[0, 1, 2, 3, 4, 5, 6, 7, 8],
        ...[1, 0, 2, 3, 4, 5, 6, 7, 8], // 2 from the first
        ...[8, 0, 1, 2, 3, 4, 5, 6, 7], // 9 from the first, 8 from the second (slot 1 agrees)
      ]),
    );
    expect(hammingStats(set)).toEqual({ min: 2, mean: (2 + 9 + 8) / 3, max: 9 });
  });
});
