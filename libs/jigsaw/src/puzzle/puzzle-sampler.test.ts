import { describe, expect, it } from 'vitest';
import { generateMaximinPermutations } from '../permutations/generate-maximin';
import { permutationAt, TILE_COUNT } from '../permutations/permutation-set';
import { randomImages } from '../testing/random-images';
import { ColourMode } from './colour';
import { tileWindowOrigin } from './geometry';
import { normaliseTiles } from './normalise';
import { PuzzleSampler } from './puzzle-sampler';

const permutations = generateMaximinPermutations({ count: 50, seed: 1 });
const images = randomImages(12, 32, 32);
const indices = Array.from({ length: 12 }, (_, i) => i);

/** Slot s of a puzzle shows cell order[s]: puts the tiles back in grid order. */
function unshufflePuzzle(puzzle: Float32Array, order: ArrayLike<number>): Float32Array {
  const tileLength = puzzle.length / TILE_COUNT;
  const grid = new Float32Array(puzzle.length);
  for (let slot = 0; slot < TILE_COUNT; slot++) grid.set(puzzle.subarray(slot * tileLength, (slot + 1) * tileLength), order[slot]! * tileLength);
  return grid;
}

describe('PuzzleSampler', () => {
  it('shapes a batch as [B, 9, t, t, 3] with labels in range', () => {
    const sampler = new PuzzleSampler({ images, permutations });
    const batch = sampler.sample(indices, 5, 0);
    expect(batch.tileSize).toBe(7);
    expect(batch.tiles.length).toBe(12 * 9 * 7 * 7 * 3);
    expect(batch.labels.length).toBe(12);
    for (const label of batch.labels) expect(label >= 0 && label < permutations.size).toBe(true);
    expect([...batch.imageIndices]).toEqual(indices);
  });

  it('un-shuffling a puzzle with its label recovers the original tiles in grid order', () => {
    const sampler = new PuzzleSampler({
      images,
      permutations,
      config: { grayProbability: 0, projectionProbability: 0, geometry: { maxChannelShift: 0 } },
    });
    const batch = sampler.sample(indices, 9, 3);
    const plans = sampler.plan(indices, 9, 3);
    const { tileSize } = sampler.geometry;
    const tileLength = tileSize * tileSize * 3;
    for (let b = 0; b < batch.size; b++) {
      const puzzle = batch.tiles.subarray(b * sampler.puzzleLength, (b + 1) * sampler.puzzleLength);
      const grid = unshufflePuzzle(puzzle, permutationAt(permutations, batch.labels[b]!));
      // Expected: the image's own tile at each grid cell, cut and normalised independently of the sampler.
      const expected = new Float32Array(sampler.puzzleLength);
      for (let cell = 0; cell < TILE_COUNT; cell++) {
        const source = plans[b]!.tiles[cell]!;
        const { y: y0, x: x0 } = tileWindowOrigin(sampler.geometry, { ...source, shiftY: 0, shiftX: 0 });
        for (let y = 0; y < tileSize; y++) {
          for (let x = 0; x < tileSize; x++) {
            for (let c = 0; c < 3; c++) {
              expected[cell * tileLength + (y * tileSize + x) * 3 + c] = images.data[((b * 32 + y0 + y) * 32 + x0 + x) * 3 + c]!;
            }
          }
        }
      }
      normaliseTiles(expected, TILE_COUNT, tileSize * tileSize, 3);
      expect(grid).toEqual(expected);
    }
  });

  it('is reproducible from (seed, batch index) and changes with either', () => {
    const sampler = new PuzzleSampler({ images, permutations, config: { maxOccluded: 2 } });
    const a = sampler.sample(indices, 1, 4);
    expect(sampler.sample(indices, 1, 4)).toEqual(a);
    expect(sampler.sample(indices, 1, 5).tiles).not.toEqual(a.tiles);
    expect(sampler.sample(indices, 2, 4).tiles).not.toEqual(a.tiles);
  });

  it('standardises every tile and channel of the output', () => {
    const sampler = new PuzzleSampler({ images, permutations, config: { maxOccluded: 2 } });
    const { tiles } = sampler.sample(indices, 3, 0);
    const pixels = 7 * 7;
    for (let t = 0; t < 12 * TILE_COUNT; t++) {
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        let squares = 0;
        for (let p = 0; p < pixels; p++) {
          const v = tiles[(t * pixels + p) * 3 + c]!;
          sum += v;
          squares += v * v;
        }
        expect(sum / pixels).toBeCloseTo(0, 4);
        expect(Math.sqrt(squares / pixels - (sum / pixels) ** 2)).toBeCloseTo(1, 3);
      }
    }
  });

  it('Jigsaw++: marks 0..2 slots per puzzle, filled from another image, with uniform counts', () => {
    const bigImages = randomImages(64, 32, 32, 3, 2);
    const sampler = new PuzzleSampler({ images: bigImages, permutations, config: { maxOccluded: 2 } });
    const batchIndices = Array.from({ length: 64 }, (_, i) => i);
    const counts = [0, 0, 0];
    let mismatches = 0; // slots whose mark disagrees with where the plan cut the tile from
    const batches = 30;
    for (let batchIndex = 0; batchIndex < batches; batchIndex++) {
      const batch = sampler.sample(batchIndices, 7, batchIndex);
      const plans = sampler.plan(batchIndices, 7, batchIndex);
      for (let b = 0; b < batch.size; b++) {
        const order = permutationAt(permutations, batch.labels[b]!);
        let occluded = 0;
        for (let slot = 0; slot < TILE_COUNT; slot++) {
          const source = plans[b]!.tiles[order[slot]!]!;
          const marked = batch.occluded[b * TILE_COUNT + slot] === 1;
          if (marked !== (source.image !== b)) mismatches++;
          if (marked) occluded++;
        }
        counts[occluded]++;
      }
    }
    const total = batches * 64;
    expect(mismatches).toBe(0);
    expect(counts.reduce((a, b) => a + b)).toBe(total);
    for (const c of counts) expect(Math.abs(c - total / 3)).toBeLessThan(120); // ~5.7 sigma
  });

  it('plain Jigsaw (default) never occludes and draws colour modes with the paper probabilities', () => {
    const sampler = new PuzzleSampler({ images, permutations });
    const modes = [0, 0, 0];
    let occluded = 0;
    for (let batchIndex = 0; batchIndex < 400; batchIndex++) {
      for (const plan of sampler.plan(indices, 11, batchIndex)) {
        modes[plan.colour]++;
        occluded += plan.tiles.filter((t) => t.occluding).length;
      }
    }
    expect(occluded).toBe(0);
    const n = 400 * 12;
    expect(modes[ColourMode.gray]! / n).toBeCloseTo(0.5, 1);
    expect(modes[ColourMode.projection]! / n).toBeCloseTo(0.25, 1);
    expect(modes[ColourMode.colour]! / n).toBeCloseTo(0.25, 1);
  });

  it('draws labels only from a permutation pool when given one, leaving every other draw of the batch as it was', () => {
    const sampler = new PuzzleSampler({ images, permutations, config: { maxOccluded: 2 } });
    const pool = Int32Array.from([3, 17, 41]);
    const seen = new Set<number>();
    for (let batchIndex = 0; batchIndex < 40; batchIndex++) {
      const pooled = sampler.sample(indices, 4, batchIndex, pool);
      for (const label of pooled.labels) seen.add(label);
      const free = sampler.plan(indices, 4, batchIndex);
      // Same crops, offsets, colours and occlusions: the pool changes which member the one label draw picks.
      expect(sampler.plan(indices, 4, batchIndex, pool).map(({ permutation: _, ...rest }) => rest)).toEqual(free.map(({ permutation: _, ...rest }) => rest));
    }
    expect([...seen].sort((a, b) => a - b)).toEqual([3, 17, 41]);
    const labels = new Set<number>();
    for (let batchIndex = 0; batchIndex < 40; batchIndex++) for (const label of sampler.sample(indices, 4, batchIndex).labels) labels.add(label);
    expect(labels.size).toBeGreaterThan(30);
  });

  it('names bad inputs', () => {
    expect(() => new PuzzleSampler({ images, permutations, config: { grayProbability: 0.8, projectionProbability: 0.3 } })).toThrow(
      /must not exceed 1/,
    );
    expect(() => new PuzzleSampler({ images: { ...images, count: 13 }, permutations })).toThrow(/needs 39936 bytes/);
    const sampler = new PuzzleSampler({ images, permutations, config: { maxOccluded: 2 } });
    expect(() => sampler.sample([0, 12], 1, 0)).toThrow(/image index 12 at batch position 1 is outside 0..11/);
    expect(() => sampler.sample([], 1, 0)).toThrow(/at least one image/);
    expect(() => sampler.sample([3], 1, 0)).toThrow(/at least 2 images/);
    expect(() => sampler.sample([0, 1], 1, 0, [2, 50])).toThrow(/permutation pool entry 50 at position 1 is outside 0..49/);
    expect(() => sampler.sample([0, 1], 1, 0, [])).toThrow(/pool needs at least one member/);
  });
});
