import { describe, expect, it } from 'vitest';
import { sizeHistogram } from './histogram';

describe('size histogram', () => {
  it('counts clusters per equal-width bin of integer sizes, the maximum in the last bin', () => {
    expect(sizeHistogram([1, 2, 2, 5], 10)).toEqual({ edges: [1, 2, 3, 4, 5], counts: [1, 2, 0, 0, 1], width: 1 });
    const wide = sizeHistogram([10, 19, 20, 109], 10);
    expect(wide.width).toBe(10);
    expect(wide.edges[0]).toBe(10);
    expect(wide.counts).toEqual([2, 1, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect(wide.counts.reduce((a, b) => a + b, 0)).toBe(4);
  });

  it('handles one size and no clusters', () => {
    expect(sizeHistogram([7, 7])).toEqual({ edges: [7], counts: [2], width: 1 });
    expect(sizeHistogram([])).toEqual({ edges: [], counts: [], width: 1 });
  });
});
