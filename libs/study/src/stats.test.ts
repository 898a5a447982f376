import { describe, expect, it } from 'vitest';
import { incompleteBeta, summarize, twoSidedP, welchTest } from './stats';

describe('summarize', () => {
  it('gives the mean and the sample standard deviation', () => {
    const s = summarize([0.2, 0.4, 0.6]);
    expect(s.mean).toBeCloseTo(0.4, 12);
    expect(s.std).toBeCloseTo(0.2, 12);
    expect(s.n).toBe(3);
    expect(summarize([0.5])).toMatchObject({ mean: 0.5, std: 0, n: 1 });
    expect(summarize([]).n).toBe(0);
  });
});

describe('Student t and Welch test', () => {
  it('matches tabulated t-distribution quantiles', () => {
    expect(twoSidedP(2.228, 10)).toBeCloseTo(0.05, 3);
    expect(twoSidedP(2.0, 10)).toBeCloseTo(0.0734, 3);
    expect(twoSidedP(12.706, 1)).toBeCloseTo(0.05, 3);
    expect(twoSidedP(0, 5)).toBeCloseTo(1, 12);
    expect(incompleteBeta(0.5, 2, 2)).toBeCloseTo(0.5, 12);
  });

  it('computes Welch\'s t and Satterthwaite degrees of freedom', () => {
    // Worked by hand: means 20 and 22, variances 4 and 9 over 5 and 6 samples.
    const a = { mean: 20, std: 2, n: 5, values: [] };
    const b = { mean: 22, std: 3, n: 6, values: [] };
    const { t, df, p } = welchTest(a, b);
    expect(t).toBeCloseTo(-2 / Math.sqrt(4 / 5 + 9 / 6), 10);
    expect(df).toBeCloseTo((0.8 + 1.5) ** 2 / (0.8 ** 2 / 4 + 1.5 ** 2 / 5), 10);
    expect(p).toBeGreaterThan(0.2);
    expect(p).toBeLessThan(0.23);
  });

  it('is undefined with fewer than two values on a side, and decisive when both sides have no spread', () => {
    expect(Number.isNaN(welchTest(summarize([0.5]), summarize([0.4, 0.6])).p)).toBe(true);
    expect(welchTest(summarize([0.5, 0.5]), summarize([0.4, 0.4])).p).toBe(0);
    expect(welchTest(summarize([0.5, 0.5]), summarize([0.5, 0.5])).p).toBe(1);
  });
});
