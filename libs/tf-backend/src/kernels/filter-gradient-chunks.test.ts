import { describe, expect, it } from 'vitest';
import { planFilterGradientChunks, type FilterGradientGeometry } from './filter-gradient-chunks.js';

const conv2: FilterGradientGeometry = {
  batchSize: 128,
  inHeight: 16,
  inWidth: 16,
  inChannels: 64,
  outHeight: 16,
  outWidth: 16,
  outChannels: 128,
  filterHeight: 5,
  filterWidth: 5,
  strideHeight: 1,
  strideWidth: 1,
  padTop: 2,
  padLeft: 2,
};

/** Every (image, output row) pair exactly once, and each chunk's rows + padding span its receptive field. */
function expectExactCover(g: FilterGradientGeometry, plan: ReturnType<typeof planFilterGradientChunks>) {
  const seen = new Map<string, number>();
  for (const c of plan.chunks) {
    expect(c.inRow).toBeGreaterThanOrEqual(0);
    expect(c.inRow + c.inRows).toBeLessThanOrEqual(g.inHeight);
    expect(c.padTop).toBeGreaterThanOrEqual(0);
    expect(c.padBottom).toBeGreaterThanOrEqual(0);
    expect(c.padTop + c.inRows + c.padBottom).toBe((c.outRows - 1) * g.strideHeight + g.filterHeight);
    for (let n = c.image; n < c.image + c.images; n++) {
      for (let r = c.outRow; r < c.outRow + c.outRows; r++) seen.set(`${n},${r}`, (seen.get(`${n},${r}`) ?? 0) + 1);
    }
  }
  expect([...seen.values()].every((count) => count === 1)).toBe(true);
  expect(seen.size).toBe(g.batchSize * g.outHeight);
  expect(g.padLeft + plan.inColumns + plan.padRight).toBe((g.outWidth - 1) * g.strideWidth + g.filterWidth);
}

describe('planFilterGradientChunks', () => {
  it('splits a large layer into chunks whose packed dy fits the budget', () => {
    const plan = planFilterGradientChunks(conv2, 1 << 20, 32, 16);
    expect(plan.chunks.length).toBe(4 * 4); // 32 images × 4 rows × 16 × 128 floats × 4 bytes = 1 MiB
    for (const c of plan.chunks) expect(c.images * c.outRows * conv2.outWidth * conv2.outChannels * 4).toBeLessThanOrEqual(1 << 20);
    expectExactCover(conv2, plan);
  });

  it('keeps one chunk when everything fits, or the layer has few input channels', () => {
    expect(planFilterGradientChunks(conv2, 1 << 30).chunks).toHaveLength(1);
    expect(planFilterGradientChunks({ ...conv2, inChannels: 3 }, 1 << 10, 32, 16).chunks).toHaveLength(1);
  });

  it('covers strided, valid and odd geometries exactly, down to one image and one row per chunk', () => {
    const cases: FilterGradientGeometry[] = [
      { ...conv2, batchSize: 5, inHeight: 12, inWidth: 10, outHeight: 3, outWidth: 4, filterHeight: 4, filterWidth: 4, strideHeight: 3, strideWidth: 2, padTop: 0, padLeft: 0 },
      { ...conv2, batchSize: 1, inHeight: 8, inWidth: 8, outHeight: 4, outWidth: 4, strideHeight: 2, strideWidth: 2, padTop: 1, padLeft: 1 },
      { ...conv2, batchSize: 3, inHeight: 9, inWidth: 8, outHeight: 4, outWidth: 3, filterHeight: 3, filterWidth: 2, strideHeight: 2, strideWidth: 3, padTop: 0, padLeft: 0 },
    ];
    for (const g of cases) expectExactCover(g, planFilterGradientChunks(g, 1, 1, 1));
  });
});
