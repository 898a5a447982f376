import { describe, expect, it } from 'vitest';
import { randomImages } from '../testing/fixtures.js';
import type { Uint8Images } from '../features/uint8-images.js';
import { hogBagOfWords } from './hog-bag-of-words.js';
import { hogFeatures, hogLayout } from './hog-features.js';

function grayImage(size: number, pixel: (y: number, x: number) => number): Uint8Images {
  const data = new Uint8Array(size * size);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) data[y * size + x] = pixel(y, x);
  return { data, count: 1, height: size, width: size, channels: 1 };
}

/** Sum of each orientation bin over every cell of every block. */
function energyPerBin(descriptor: Float32Array, bins: number): number[] {
  const energy = new Array<number>(bins).fill(0);
  descriptor.forEach((v, i) => (energy[i % bins] += v));
  return energy;
}

describe('hogFeatures', () => {
  it('has Dalal–Triggs dimensions', () => {
    expect(hogLayout(32, 32)).toEqual({ cellsY: 4, cellsX: 4, blocksY: 3, blocksX: 3, blockDims: 36, dims: 324 });
    expect(hogLayout(64, 128, { cellSize: 8, blockSize: 2, bins: 9 }).dims).toBe(7 * 15 * 36); // the pedestrian window
    expect(() => hogLayout(8, 8, { cellSize: 8 })).toThrow(/fewer than one 2×2 block/);
  });

  it('is all zeros for a constant image', () => {
    const { data } = hogFeatures(grayImage(16, () => 128), { cellSize: 4 });
    expect(data.every((v) => v === 0)).toBe(true);
  });

  it('puts a vertical edge (horizontal gradient) wholly in bin 0', () => {
    const { data } = hogFeatures(grayImage(16, (_, x) => (x < 8 ? 10 : 200)), { cellSize: 4 });
    const energy = energyPerBin(data, 9);
    expect(energy[0]).toBeGreaterThan(0);
    expect(energy.slice(1).every((e) => e === 0)).toBe(true);
  });

  it('puts a horizontal edge (vertical gradient) at 90°: bin 4 of 8, half in bins 4 and 5 of 9', () => {
    const edge = grayImage(16, (y) => (y < 8 ? 10 : 200));
    const eight = energyPerBin(hogFeatures(edge, { cellSize: 4, bins: 8 }).data, 8);
    expect(eight.map((e, b) => (b === 4 ? e > 0 : e === 0))).toEqual(new Array(8).fill(true));
    const nine = energyPerBin(hogFeatures(edge, { cellSize: 4, bins: 9 }).data, 9);
    expect(nine[4]).toBeGreaterThan(0);
    expect(nine[4]).toBeCloseTo(nine[5], 5);
    expect(nine.filter((_, b) => b !== 4 && b !== 5).every((e) => e === 0)).toBe(true);
  });

  it('splits a 45° gradient between neighbouring bins by angle', () => {
    // Intensity grows along x + y: gradient at 45° = bin 2.25 of 9 → 75 % into bin 2, 25 % into bin 3.
    // One-cell blocks and no clipping keep the ratio; cell (1, 1) is clear of the border's one-sided gradients.
    const { data } = hogFeatures(grayImage(16, (y, x) => 4 * (x + y)), { cellSize: 4, blockSize: 1, clip: 1 });
    const cell = data.subarray((1 * 4 + 1) * 9, (1 * 4 + 2) * 9);
    expect(cell[3] / cell[2]).toBeCloseTo(1 / 3, 5);
    expect(Array.from(cell).filter((_, b) => b !== 2 && b !== 3).every((v) => v === 0)).toBe(true);
  });

  it('bounds normalised blocks: non-negative with unit L2 norm', () => {
    const { data, layout } = hogFeatures(randomImages(3, 32, 3, 9), { cellSize: 8 });
    for (let start = 0; start < data.length; start += layout.blockDims) {
      const block = data.subarray(start, start + layout.blockDims);
      const norm = Math.sqrt(block.reduce((s, v) => s + v * v, 0));
      expect(norm).toBeCloseTo(1, 3);
      expect(Math.min(...block)).toBeGreaterThanOrEqual(0);
    }
  });

  it('clips dominant orientations (L2-Hys): a 10:1 strong:weak edge becomes 0.2 : 1/√202 before renormalising', () => {
    // Strong vertical edge in the left cells (step 200), weak one in the right cells (step 20): one 2×2 block
    // holding bin-0 energies [s, w, s, w] with s = 10·w.
    const { data } = hogFeatures(grayImage(16, (_, x) => (x < 4 ? 0 : 200) + (x < 12 ? 0 : 20)), { cellSize: 8, clip: 0.2 });
    const [strong, weak] = [data[0], data[9]];
    expect(data[18]).toBeCloseTo(strong, 6);
    expect(data[27]).toBeCloseTo(weak, 6);
    const weakAfterFirstNorm = 1 / Math.sqrt(202);
    expect(strong / weak).toBeCloseTo(0.2 / weakAfterFirstNorm, 3); // 2.84 instead of 10
    expect(Math.hypot(strong, weak, strong, weak)).toBeCloseTo(1, 4);
  });

  it('describes each image of a batch independently', () => {
    const batch = randomImages(4, 32);
    const all = hogFeatures(batch);
    const size = 32 * 32 * 3;
    const third = hogFeatures({ ...batch, count: 1, data: batch.data.subarray(2 * size, 3 * size) });
    expect(Array.from(all.data.subarray(2 * all.dims, 3 * all.dims))).toEqual(Array.from(third.data));
  });

  it('uses the channel with the strongest gradient', () => {
    const gray = grayImage(16, (_, x) => (x < 8 ? 10 : 200));
    const rgb = new Uint8Array(16 * 16 * 3);
    gray.data.forEach((v, i) => {
      rgb[i * 3] = 50; // flat red
      rgb[i * 3 + 1] = v; // the edge in green
      rgb[i * 3 + 2] = Math.round(v / 4); // a weaker edge in blue
    });
    const colour = hogFeatures({ ...gray, channels: 3, data: rgb }, { cellSize: 4 });
    expect(Array.from(colour.data)).toEqual(Array.from(hogFeatures(gray, { cellSize: 4 }).data));
  });
});

describe('hogBagOfWords', () => {
  it('makes one normalised word histogram per image', () => {
    expect(Array.from(hogBagOfWords([0, 0, 2, 1, 1, 1], 3, 3))).toEqual([2 / 3, 0, 1 / 3, 0, 1, 0].map(Math.fround));
    expect(() => hogBagOfWords([0, 5], 2, 3)).toThrow(/word 5/);
    expect(() => hogBagOfWords([0, 1, 2], 2, 3)).toThrow(/multiple/);
  });
});
