import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useCpuBackend } from '../testing/fixtures.js';
import { adaptiveMaxPool } from './adaptive-max-pool.js';
import { adaptiveMaxPoolRows } from './adaptive-max-pool-rows.js';
import { poolToMaxDims } from './pool-to-max-dims.js';

beforeAll(useCpuBackend);

/** Brute-force reference: every output cell is the max over its bin, computed with plain loops. */
function referencePool(values: number[][][][], gh: number, gw: number): number[][][][] {
  return values.map((image) => {
    const h = image.length;
    const w = image[0].length;
    const c = image[0][0].length;
    return Array.from({ length: gh }, (_, i) =>
      Array.from({ length: gw }, (_, j) =>
        Array.from({ length: c }, (_, k) => {
          let best = -Infinity;
          for (let y = Math.floor((i * h) / gh); y < Math.ceil(((i + 1) * h) / gh); y++) {
            for (let x = Math.floor((j * w) / gw); x < Math.ceil(((j + 1) * w) / gw); x++) best = Math.max(best, image[y][x][k]);
          }
          return best;
        }),
      ),
    );
  });
}

describe('adaptiveMaxPool', () => {
  it.each<[[number, number, number, number], [number, number]]>([
    [[2, 8, 8, 3], [4, 4]], // divisible: plain max pool
    [[2, 8, 8, 3], [5, 5]], // the paper's 5×5 grid from an 8×8 conv4: overlapping bins
    [[1, 7, 9, 2], [3, 2]], // non-square
    [[1, 2, 3, 2], [4, 4]], // grid finer than the input: cells repeat
    [[1, 6, 6, 4], [1, 1]], // global max
  ])('matches a brute-force reference for input %j and grid %j', (shape, grid) => {
    const x = tf.randomNormal<tf.Rank.R4>(shape, 0, 1, 'float32', 3);
    const pooled = adaptiveMaxPool(x, grid);
    expect(pooled.shape).toEqual([shape[0], grid[0], grid[1], shape[3]]);
    const expected = referencePool(x.arraySync(), grid[0], grid[1]).flat(3);
    expect(Array.from(pooled.dataSync())).toEqual(expected.map((v) => Math.fround(v)));

    const rows = new Float32Array(pooled.size + 3).fill(7);
    adaptiveMaxPoolRows(x.dataSync() as Float32Array, shape, grid, rows, 3);
    expect(Array.from(rows.subarray(0, 3))).toEqual([7, 7, 7]);
    expect(Array.from(rows.subarray(3))).toEqual(Array.from(pooled.dataSync()));
  });

  it('rejects a bad grid', () => {
    expect(() => adaptiveMaxPool(tf.zeros([1, 4, 4, 1]), [0, 2])).toThrow(/grid/);
  });
});

describe('poolToMaxDims', () => {
  it('picks the finest grid within the budget', () => {
    expect(poolToMaxDims([8, 8, 384], 9216)).toEqual([4, 4]); // 6144 ≤ 9216 < 5·5·384 = 9600
    expect(poolToMaxDims([8, 8, 384], 9600)).toEqual([5, 5]); // the paper's conv4 grid
    expect(poolToMaxDims([32, 32, 96], 9216)).toEqual([9, 9]);
    expect(poolToMaxDims([4, 4, 64], 9216)).toEqual([4, 4]); // already small enough: never upsampled
    expect(poolToMaxDims([16, 4, 64], 1024)).toEqual([4, 4]);
    expect(poolToMaxDims([8, 8, 20000], 9216)).toEqual([1, 1]);
  });

  it('never exceeds the budget', () => {
    for (const [h, c] of [[32, 96], [16, 256], [8, 384], [13, 256], [55, 96]]) {
      const [gh, gw] = poolToMaxDims([h, h, c], 9216);
      expect(gh * gw * c).toBeLessThanOrEqual(9216);
      expect((gh + 1) * (gw + 1) * c > 9216 || gh === h).toBe(true);
    }
  });
});
