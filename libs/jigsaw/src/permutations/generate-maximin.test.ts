import { describe, expect, it } from 'vitest';
import { generateMaximinPermutations } from './generate-maximin';
import { allOrders, ALL_ORDER_COUNT } from './all-orders';
import { hammingDistance, hammingStats } from './hamming';
import { permutationAt, TILE_COUNT, type PermutationSet } from './permutation-set';

function rows(set: PermutationSet): string[] {
  return Array.from({ length: set.size }, (_, i) => permutationAt(set, i).join(','));
}

describe('generateMaximinPermutations', () => {
  it('generates 100 unique permutations far above the mean-greedy minimum of 2', () => {
    const set = generateMaximinPermutations({ count: 100, seed: 3 });
    expect(set.size).toBe(100);
    expect(new Set(rows(set)).size).toBe(100);
    const stats = hammingStats(set);
    expect(stats.min).toBeGreaterThanOrEqual(5);
    expect(stats.mean).toBeGreaterThan(7.9);
  });

  it('generates the 701-set with minimum Hamming distance of at least 3, without the identity', () => {
    const set = generateMaximinPermutations({ count: 701, seed: 0 });
    expect(set.size).toBe(701);
    expect(new Set(rows(set)).size).toBe(701);
    expect(rows(set)).not.toContain('0,1,2,3,4,5,6,7,8');
    const stats = hammingStats(set);
    expect(stats.min).toBeGreaterThanOrEqual(3);
    expect(stats.mean).toBeGreaterThan(7.9);
  });

  it('makes each choice a maximin one: as far from the chosen set as any permutation is (brute force)', () => {
    const set = generateMaximinPermutations({ count: 16, seed: 6 });
    const { orders } = allOrders();
    const nearest = (order: ArrayLike<number>, k: number, stopAt: number) => {
      let min = TILE_COUNT;
      for (let j = 0; j < k && min > stopAt; j++) min = Math.min(min, hammingDistance(order, permutationAt(set, j)));
      return min;
    };
    for (const k of [1, 9, 10, 15]) {
      const achieved = nearest(permutationAt(set, k), k, -1);
      let best = 0;
      // Skip the identity (index 0 of allOrders), excluded by default.
      for (let i = 1; i < ALL_ORDER_COUNT; i++) best = Math.max(best, nearest(orders.subarray(i * 9, i * 9 + 9), k, best));
      expect(achieved).toBe(best);
    }
  });

  it('is reproducible by seed and varies across seeds', () => {
    const a = generateMaximinPermutations({ count: 20, seed: 11 });
    const b = generateMaximinPermutations({ count: 20, seed: 11 });
    const c = generateMaximinPermutations({ count: 20, seed: 12 });
    expect(a.orders).toEqual(b.orders);
    expect(a.orders).not.toEqual(c.orders);
  });

  it('starts with permutations at the maximal distance 9 (every slot differs)', () => {
    const set = generateMaximinPermutations({ count: 9, seed: 5 });
    expect(hammingStats(set).min).toBe(TILE_COUNT);
  });

  it('refuses counts that are impossible or not positive integers', () => {
    expect(() => generateMaximinPermutations({ count: 362_880 })).toThrow(/only 362879 exist/);
    expect(() => generateMaximinPermutations({ count: 0 })).toThrow();
    expect(() => generateMaximinPermutations({ count: 1.5 })).toThrow();
  });
});
