import { describe, expect, it } from 'vitest';
import { Xoshiro128 } from '@ktlab/random';
import { drawOcclusion } from './occlusion';

describe('drawOcclusion', () => {
  it('draws 0..max tiles with uniform counts, distinct cells and a donor other than itself', () => {
    const rng = new Xoshiro128(8);
    const n = 30_000;
    const counts = [0, 0, 0];
    const cellHits = new Array(9).fill(0);
    const violations: string[] = [];
    for (let i = 0; i < n; i++) {
      const position = i % 16;
      const draw = drawOcclusion(rng, 2, 16, position);
      counts[draw.cells.length]++;
      if (new Set(draw.cells).size !== draw.cells.length) violations.push(`repeated cells ${draw.cells}`);
      const validDonor = draw.cells.length === 0 ? draw.donor === -1 : draw.donor !== position && draw.donor >= 0 && draw.donor < 16;
      if (!validDonor) violations.push(`donor ${draw.donor} for position ${position} with ${draw.cells.length} cells`);
      for (const cell of draw.cells) cellHits[cell]++;
    }
    expect(violations).toEqual([]);
    expect(counts.reduce((a, b) => a + b)).toBe(n);
    for (const c of counts) expect(Math.abs(c - n / 3)).toBeLessThan(500); // ~6 sigma
    const expectedPerCell = ((0 + 1 + 2) / 3) * n / 9;
    for (const hits of cellHits) expect(Math.abs(hits - expectedPerCell)).toBeLessThan(400);
  });

  it('never occludes with max 0 and needs two images otherwise', () => {
    const rng = new Xoshiro128(1);
    expect(drawOcclusion(rng, 0, 1, 0).cells).toEqual([]);
    expect(() => drawOcclusion(rng, 2, 1, 0)).toThrow(/at least 2 images/);
  });
});
