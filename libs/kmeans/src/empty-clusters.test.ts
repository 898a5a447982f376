import { describe, expect, it } from 'vitest';
import { splitEmptyClusters, SPLIT_PERTURBATION } from './empty-clusters.js';
import { Xoshiro128Float53 } from '@ktlab/random';

describe('splitEmptyClusters', () => {
  it('copies a populated centroid with a symmetric perturbation and halves its count', () => {
    const dims = 3;
    const centroids = Float32Array.from([1, 2, 3, 0, 0, 0, 4, 5, 6]);
    const counts = Float64Array.from([1, 0, 10]); // cluster 0 has a single point: never a donor
    const splits = splitEmptyClusters(centroids, counts, dims, new Xoshiro128Float53(1));
    expect(splits).toBe(1);
    expect(Array.from(counts)).toEqual([1, 5, 5]);
    const e = SPLIT_PERTURBATION;
    const expectedNew = [4 * (1 + e), 5 * (1 - e), 6 * (1 + e)];
    const expectedDonor = [4 * (1 - e), 5 * (1 + e), 6 * (1 - e)];
    expectedNew.forEach((v, p) => expect(centroids[dims + p]).toBeCloseTo(v, 6));
    expectedDonor.forEach((v, p) => expect(centroids[2 * dims + p]).toBeCloseTo(v, 6));
    expect(Array.from(centroids.subarray(0, 3))).toEqual([1, 2, 3]);
  });

  it('draws donors in proportion to (n_j − 1)', () => {
    const draws = [0, 0];
    const random = new Xoshiro128Float53(3);
    for (let trial = 0; trial < 4000; trial++) {
      const counts = Float64Array.from([0, 4, 10]); // weights 3 and 9
      const centroids = Float32Array.from([0, 1, 2]);
      splitEmptyClusters(centroids, counts, 1, random);
      draws[counts[1] === 2 ? 0 : 1]++;
    }
    expect(draws[0] / 4000).toBeGreaterThan(0.22);
    expect(draws[0] / 4000).toBeLessThan(0.28);
  });

  it('leaves empty clusters alone when no cluster has two points', () => {
    const counts = Float64Array.from([1, 0, 1]);
    expect(splitEmptyClusters(new Float32Array(3), counts, 1, new Xoshiro128Float53(0))).toBe(0);
  });
});
