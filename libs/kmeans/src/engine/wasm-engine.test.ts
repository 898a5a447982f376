import { afterAll, describe, expect, it } from 'vitest';
import { Xoshiro128Float53 } from '@ktlab/random';
import { naiveNearest } from './naive-reference.js';
import { WasmDistanceEngine } from './wasm-engine.js';
import { loadLloydKernel, type KernelVariant } from './wasm-kernel.js';

function randomMatrix(rows: number, dims: number, seed: number): Float32Array {
  const random = new Xoshiro128Float53(seed);
  return Float32Array.from({ length: rows * dims }, () => random.nextNormal());
}

const engines: WasmDistanceEngine[] = [];
function engine(threads: number, variant: KernelVariant | 'auto' = 'auto', stagingBytes?: number): WasmDistanceEngine {
  const created = new WasmDistanceEngine({ threads, variant, stagingBytes });
  engines.push(created);
  return created;
}
afterAll(async () => {
  await Promise.all(engines.map((e) => e.dispose()));
});

const variants: KernelVariant[] = ['simd'];
try {
  loadLloydKernel('fma');
  variants.push('fma');
} catch (error) {
  console.warn(`fma kernel not testable here: ${(error as Error).message}`);
}

describe.each(variants)('WasmDistanceEngine (%s kernel)', (variant) => {
  // Shapes that are not multiples of the 4-row, 8-centroid and 4-dim blocks, plus degenerate ones.
  it.each([
    [37, 13, 19],
    [5, 1, 1],
    [64, 8, 4],
    [101, 29, 130],
    [3, 17, 7],
  ])('matches a naive search for n=%i k=%i d=%i', async (rows, k, dims) => {
    const points = randomMatrix(rows, dims, rows * 1000 + k);
    const centroids = randomMatrix(k, dims, dims);
    const wasm = engine(2, variant, 10 * dims * 4); // tiny staging area: several passes per call
    await wasm.setCentroids(centroids, k, dims);
    const labels = new Int32Array(rows);
    const distances = new Float32Array(rows);
    await wasm.assign(points, labels, distances);
    const reference = naiveNearest(points, centroids, dims);
    for (let r = 0; r < rows; r++) {
      const gap = reference.secondBest[r] - reference.distances[r];
      if (gap > 1e-3 * (1 + reference.distances[r])) expect(labels[r], `row ${r}`).toBe(reference.labels[r]);
      expect(distances[r]).toBeCloseTo(reference.distances[r], 3);
    }
  });

  it('accumulates per-cluster sums and counts in column slices', async () => {
    const rows = 50, k = 6, dims = 11;
    const points = randomMatrix(rows, dims, 7);
    const centroids = randomMatrix(k, dims, 8);
    const wasm = engine(3, variant);
    await wasm.setCentroids(centroids, k, dims);
    const labels = new Int32Array(rows);
    await wasm.assign(points, labels, new Float32Array(rows), true);
    const { sums, counts } = await wasm.readAccumulated();
    const expectedSums = new Float64Array(k * dims);
    const expectedCounts = new Float64Array(k);
    for (let r = 0; r < rows; r++) {
      expectedCounts[labels[r]]++;
      for (let p = 0; p < dims; p++) expectedSums[labels[r] * dims + p] += points[r * dims + p];
    }
    expect(Array.from(counts)).toEqual(Array.from(expectedCounts));
    sums.forEach((value, i) => expect(value).toBeCloseTo(expectedSums[i], 5));
    await wasm.setCentroids(centroids, k, dims);
    expect((await wasm.readAccumulated()).counts.every((c) => c === 0)).toBe(true);
  });

  it('breaks exact ties towards the smaller centroid index', async () => {
    const dims = 5;
    const centroid = Float32Array.from([1, 2, 3, 4, 5]);
    const centroids = new Float32Array(12 * dims);
    for (let c = 0; c < 12; c++) centroids.set(c >= 3 ? centroid : centroid.map((v) => v + 100), c * dims);
    const wasm = engine(1, variant);
    await wasm.setCentroids(centroids, 12, dims);
    const labels = new Int32Array(2);
    await wasm.assign(Float32Array.from([...centroid, ...centroid]), labels, new Float32Array(2));
    expect(Array.from(labels)).toEqual([3, 3]);
  });
});

describe('WasmDistanceEngine threads', () => {
  it('gives identical labels, distances and sums for 1 and 3 threads', async () => {
    const rows = 403, k = 21, dims = 33;
    const points = randomMatrix(rows, dims, 1);
    const centroids = randomMatrix(k, dims, 2);
    const results = [];
    for (const threads of [1, 3]) {
      const wasm = engine(threads, 'simd');
      await wasm.setCentroids(centroids, k, dims);
      const labels = new Int32Array(rows);
      const distances = new Float32Array(rows);
      await wasm.assign(points, labels, distances, true);
      results.push({ labels, distances, ...(await wasm.readAccumulated()) });
    }
    expect(results[1].labels).toEqual(results[0].labels);
    expect(results[1].distances).toEqual(results[0].distances);
    expect(results[1].sums).toEqual(results[0].sums);
  });

  it('rejects points whose length does not match the centroid dims', async () => {
    const wasm = engine(1, 'simd');
    await wasm.setCentroids(new Float32Array(8), 2, 4);
    await expect(wasm.assign(new Float32Array(6), new Int32Array(2), new Float32Array(2))).rejects.toThrow(/multiple of dims=4/);
  });
});
