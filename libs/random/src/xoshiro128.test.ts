import { describe, expect, it } from 'vitest';
import { Xoshiro128, Xoshiro128Float53 } from './xoshiro128';

const draw = (rng: Xoshiro128, n: number) => Array.from({ length: n }, () => rng.nextUint32());

describe('Xoshiro128', () => {
  it('repeats its stream for the same seed and diverges for another', () => {
    expect(draw(new Xoshiro128(42), 16)).toEqual(draw(new Xoshiro128(42), 16));
    expect(draw(new Xoshiro128(42), 16)).not.toEqual(draw(new Xoshiro128(43), 16));
  });

  it('keeps the stream that earlier runs were sampled with', () => {
    // Values recorded from the jigsaw generator before it moved here; a change would re-roll every puzzle batch.
    const rng = new Xoshiro128(2018);
    expect([rng.nextUint32(), rng.nextUint32()]).toEqual([2005986418, 3429149196]);
    expect(rng.nextFloat()).toBe(0.8988943831063807);
    expect(rng.nextInt(1000)).toBe(391);
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

describe('Xoshiro128Float53', () => {
  it('shares the Xoshiro128 word stream', () => {
    expect(draw(new Xoshiro128Float53(42), 16)).toEqual(draw(new Xoshiro128(42), 16));
  });

  it('keeps the stream that earlier clusterings were computed with', () => {
    // Values recorded from the k-means generator before it moved here.
    const rng = new Xoshiro128Float53(2018);
    expect([rng.nextUint32(), rng.nextUint32()]).toEqual([2005986418, 3429149196]);
    expect(rng.nextFloat()).toBe(0.8988943799690136);
    expect(rng.nextInt(1000)).toBe(126);
    expect([rng.nextNormal(), rng.nextNormal()]).toEqual([-0.6714678556830685, -0.2556872960682041]);
    expect(Array.from(rng.sampleIndices(100, 5))).toEqual([83, 96, 46, 69, 33]);
  });

  it('gives standard normal deviates', () => {
    const rng = new Xoshiro128Float53(5);
    const draws = Array.from({ length: 40_000 }, () => rng.nextNormal());
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
    const variance = draws.reduce((a, b) => a + (b - mean) ** 2, 0) / draws.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
  });

  it('samples distinct indices and refuses to sample more than the population', () => {
    const sample = new Xoshiro128Float53(3).sampleIndices(1_000_000, 500);
    expect(new Set(sample).size).toBe(500);
    for (const i of sample) expect(i >= 0 && i < 1_000_000).toBe(true);
    expect(() => new Xoshiro128Float53(3).sampleIndices(4, 5)).toThrow(/cannot sample 5 distinct indices from 4/);
  });
});
