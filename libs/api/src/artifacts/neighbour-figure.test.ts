import { describe, expect, it } from 'vitest';
import { neighbourFigureRows } from './neighbour-figure';

describe('cluster-neighbours figure rows', () => {
  it('names the 12 clusters evenly spaced by size, largest first', () => {
    const clusters = Array.from({ length: 60 }, (_, index) => ({ id: (index * 37) % 60, size: 100 - index }));
    const rows = neighbourFigureRows(clusters);
    expect(rows).toHaveLength(12);
    expect(rows[0]).toEqual({ id: 0, rank: 1, size: 100 });
    expect(rows[1]).toEqual({ id: 5, rank: 6, size: 95 });
    expect(rows.map((row) => row.rank)).toEqual([1, 6, 11, 16, 21, 26, 31, 36, 41, 46, 51, 56]);
  });

  it('shows every cluster when there are fewer than rows', () => {
    expect(neighbourFigureRows([{ id: 3, size: 9 }, { id: 1, size: 4 }])).toEqual([
      { id: 3, rank: 1, size: 9 },
      { id: 1, rank: 2, size: 4 },
    ]);
  });
});
