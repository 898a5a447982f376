import { describe, expect, it } from 'vitest';
import { generateMaximinPermutations } from './generate-maximin';
import { hammingDistance, hammingStats } from './hamming';
import { maximinOrder, maximinSubset } from './maximin-subset';
import { permutationAt, permutationSubset } from './permutation-set';

describe('maximinSubset', () => {
  const set = generateMaximinPermutations({ count: 300, seed: 5 });

  it('picks distinct members in ascending order, starting from member 0, the same on every call', () => {
    const subset = maximinSubset(set, 40);
    expect(subset.length).toBe(40);
    expect(new Set(subset).size).toBe(40);
    expect(Array.from(subset)).toEqual([...subset].sort((a, b) => a - b));
    expect(subset[0]).toBe(0);
    expect(subset.every((i) => i >= 0 && i < set.size)).toBe(true);
    expect(maximinSubset(set, 40)).toEqual(subset);
  });

  it('keeps the closest pair further apart than the whole set and than its first members', () => {
    const whole = hammingStats(set).min;
    const chosen = hammingStats(permutationSubset(set, maximinSubset(set, 40))).min;
    const firstForty = hammingStats(permutationSubset(set, Int32Array.from({ length: 40 }, (_, i) => i))).min;
    expect(chosen).toBeGreaterThan(whole);
    expect(chosen).toBeGreaterThanOrEqual(firstForty);
  });

  it('adds, at every step, a member whose nearest chosen one is as far as any remaining member\'s', () => {
    // Rebuild the greedy order by brute force and check each pick's distance is the maximum available.
    const subset = Array.from(maximinSubset(set, 12));
    const chosen = [0];
    const remaining = new Set(subset.filter((i) => i !== 0));
    const nearest = (i: number) => Math.min(...chosen.map((c) => hammingDistance(permutationAt(set, i), permutationAt(set, c))));
    while (remaining.size) {
      const best = Math.max(...Array.from({ length: set.size }, (_, i) => i).filter((i) => !chosen.includes(i)).map(nearest));
      const next = [...remaining].find((i) => nearest(i) === best);
      expect(next, `a subset member at distance ${best} after ${chosen.length} picks`).toBeDefined();
      chosen.push(next!);
      remaining.delete(next!);
    }
  });

  it('orders the whole set so that every prefix is the subset of its size', () => {
    const order = maximinOrder(set);
    expect(order.length).toBe(set.size);
    expect(new Set(order).size).toBe(set.size);
    for (const size of [1, 7, 40, 150]) expect(Array.from(order.subarray(0, size)).sort((a, b) => a - b)).toEqual(Array.from(maximinSubset(set, size)));
  });

  it('refuses a size the set cannot give', () => {
    expect(() => maximinSubset(set, 301)).toThrow('a subset of 301 permutations cannot be chosen from a set of 300');
    expect(() => maximinSubset(set, 0)).toThrow(RangeError);
  });
});
