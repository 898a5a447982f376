import { describe, expect, it } from 'vitest';
import { standardiseColumns } from './standardise-columns';

describe('standardiseColumns', () => {
  it('gives every varying column mean 0 and std 1, and constant columns 0', () => {
    const out = standardiseColumns(Float32Array.from([1, 5, 100, 3, 5, 300, 5, 5, 200]), 3);
    const column = (d: number) => [0, 1, 2].map((r) => out[r * 3 + d]);
    expect(column(0).map((v) => +v.toFixed(4))).toEqual([-1.2247, 0, 1.2247]);
    expect(column(1)).toEqual([0, 0, 0]);
    const c2 = column(2);
    expect(c2.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 5);
    expect(c2.reduce((a, b) => a + b * b, 0) / 3).toBeCloseTo(1, 5);
  });

  it('rejects a matrix that is not whole rows', () => {
    expect(() => standardiseColumns(new Float32Array(5), 2)).toThrow(/not rows of 2 dims/);
  });
});
