import { describe, expect, it } from 'vitest';
import { halves, shuffleIndices, splitIndices } from './split-indices.js';

describe('shuffleIndices', () => {
  it('is a permutation fixed by the seed', () => {
    const a = shuffleIndices(1000, 42);
    expect(Array.from(a).sort((x, y) => x - y)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(shuffleIndices(1000, 42)).toEqual(a);
    expect(shuffleIndices(1000, 43)).not.toEqual(a);
    expect(Array.from(a)).not.toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });

  it('puts each index in each position about equally often', () => {
    const firstPosition = new Array(4).fill(0);
    for (let seed = 0; seed < 4000; seed++) firstPosition[shuffleIndices(4, seed)[0]]++;
    for (const count of firstPosition) expect(Math.abs(count - 1000)).toBeLessThan(120);
  });
});

describe('splitIndices and halves', () => {
  it('makes disjoint parts covering everything when fractions sum to 1', () => {
    const parts = splitIndices(1001, [0.8, 0.1, 0.1], 7);
    expect(parts.map((p) => p.length)).toEqual([801, 100, 100]);
    const all = parts.flatMap((p) => Array.from(p));
    expect(new Set(all).size).toBe(1001);
    for (const part of parts) expect(Array.from(part)).toEqual(Array.from(part).sort((x, y) => x - y));
  });

  it('is deterministic by seed', () => {
    expect(splitIndices(500, [0.3, 0.7], 1)).toEqual(splitIndices(500, [0.3, 0.7], 1));
    expect(splitIndices(500, [0.3, 0.7], 1)).not.toEqual(splitIndices(500, [0.3, 0.7], 2));
  });

  it('leaves the rest out when fractions sum to less than 1', () => {
    const [small] = splitIndices(100, [0.25], 0);
    expect(small.length).toBe(25);
  });

  it('splits into two halves that differ by at most one', () => {
    const [a, b] = halves(50001, 9);
    expect(a.length + b.length).toBe(50001);
    expect(Math.abs(a.length - b.length)).toBeLessThanOrEqual(1);
    const inA = new Set(a);
    expect(Array.from(b).some((i) => inA.has(i))).toBe(false);
  });

  it('rejects impossible fractions', () => {
    expect(() => splitIndices(10, [0.6, 0.6], 0)).toThrow(/more than 1/);
    expect(() => splitIndices(10, [-0.1], 0)).toThrow(/≥ 0/);
    expect(() => splitIndices(10, [], 0)).toThrow(/at least one/);
  });
});
