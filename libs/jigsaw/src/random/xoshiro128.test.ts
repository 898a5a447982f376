import { describe, expect, it } from 'vitest';
import { mixSeed, Xoshiro128 } from './xoshiro128';

const draw = (rng: Xoshiro128, n: number) => Array.from({ length: n }, () => rng.nextUint32());

describe('Xoshiro128', () => {
  it('repeats its stream for the same seed and diverges for another', () => {
    expect(draw(new Xoshiro128(42), 16)).toEqual(draw(new Xoshiro128(42), 16));
    expect(draw(new Xoshiro128(42), 16)).not.toEqual(draw(new Xoshiro128(43), 16));
  });

  it('draws integers in range with roughly uniform frequencies', () => {
    const rng = new Xoshiro128(7);
    const counts = new Array(10).fill(0);
    const n = 100_000;
    for (let i = 0; i < n; i++) counts[rng.nextInt(10)]++;
    // Out-of-range values would lengthen the array or land on non-index keys, missing from the sum.
    expect(counts).toHaveLength(10);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(n);
    for (const c of counts) expect(Math.abs(c - n / 10)).toBeLessThan(600); // ~6 sigma
  });

  it('draws floats in [0, 1) with mean 1/2', () => {
    const rng = new Xoshiro128(9);
    const draws = Array.from({ length: 50_000 }, () => rng.nextFloat());
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
    expect(draws.reduce((a, b) => a + b, 0) / draws.length).toBeCloseTo(0.5, 2);
  });
});

describe('mixSeed', () => {
  it('separates nearby and high-word seeds and is order sensitive', () => {
    const seeds = new Set([mixSeed(1, 0), mixSeed(1, 1), mixSeed(2, 0), mixSeed(0, 1), mixSeed(1 + 2 ** 32, 0)]);
    expect(seeds.size).toBe(5);
    expect(mixSeed(5, 6)).toBe(mixSeed(5, 6));
  });

  it('rejects non-integer seed words', () => {
    expect(() => mixSeed(1.5)).toThrow(/safe integers/);
  });
});
