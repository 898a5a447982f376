import { describe, expect, it } from 'vitest';
import { createJsMinDistanceTracker, kMeansPlusPlusInit, randomInit } from './init.js';
import { createWasmMinDistanceTracker } from './engine/wasm-min-distances.js';
import { toRowBlocks } from './matrix.js';
import { Xoshiro128Float53 } from '@ktlab/random';
import { gaussianMixture } from './synthetic.js';

function rowsOf(matrix: Float32Array, dims: number): string[] {
  return Array.from({ length: matrix.length / dims }, (_, r) => matrix.subarray(r * dims, (r + 1) * dims).join());
}

describe('initialisation', () => {
  const data = gaussianMixture({ rows: 300, dims: 6, components: 5, centerSpread: 10, noise: 0.1, seed: 2 });
  const points = toRowBlocks(data.points, 6);

  it('random init picks k distinct data points, reproducibly', () => {
    const a = randomInit(points, 12, new Xoshiro128Float53(1));
    const b = randomInit(points, 12, new Xoshiro128Float53(1));
    expect(a).toEqual(b);
    const dataRows = new Set(rowsOf(data.points, 6));
    const chosen = rowsOf(a, 6);
    expect(new Set(chosen).size).toBe(12);
    expect(chosen.every((row) => dataRows.has(row))).toBe(true);
  });

  it('k-means++ spreads seeds over well-separated components', () => {
    for (let seed = 0; seed < 5; seed++) {
      const seeds = kMeansPlusPlusInit(points, 5, new Xoshiro128Float53(seed));
      const components = new Set(rowsOf(seeds, 6).map((row) => data.components[rowsOf(data.points, 6).indexOf(row)]));
      expect(components.size, `seed ${seed}`).toBe(5);
    }
  });

  it('the wasm distance tracker agrees with the JavaScript one', () => {
    const js = createJsMinDistanceTracker(data.points, 6);
    const wasm = createWasmMinDistanceTracker(data.points, 6);
    for (const row of [3, 150, 299]) {
      js.addCenter(row);
      wasm.addCenter(row);
    }
    js.minDistances.forEach((d, i) => expect(wasm.minDistances[i]).toBeCloseTo(d, 3));
    expect(wasm.minDistances[150]).toBe(0);
  });
});
