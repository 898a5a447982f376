/**
 * Samples batches of Jigsaw / Jigsaw++ puzzles from an image stack. A batch is a pure function of
 * (images, permutations, config, seed, batch index, image indices): the PRNG is seeded from (seed, batch
 * index) alone, so any thread can produce any batch and get the same bytes.
 */
import type { ImageStack } from '../images';
import { validateImageStack } from '../images';
import { TILE_COUNT, permutationAt, type PermutationSet } from '../permutations/permutation-set';
import { mixSeed, Xoshiro128 } from '@ktlab/random';
import { puzzleGeometry, type PuzzleGeometry } from './geometry';
import { normaliseTiles } from './normalise';
import { parsePuzzleConfig, type PuzzleConfig, type PuzzleConfigInput } from './puzzle-config';
import { drawBatchPlans, type PuzzlePlan } from './puzzle-plan';
import { OUTPUT_CHANNELS, renderPuzzle } from './render-puzzle';

export interface PuzzleBatch {
  readonly batchIndex: number;
  /** Number of puzzles B. */
  readonly size: number;
  readonly tileSize: number;
  /** [B, 9, t, t, 3] (equivalently [B·9, t, t, 3]), tiles in shuffled order, each tile/channel standardised. */
  readonly tiles: Float32Array<ArrayBuffer>;
  /** [B] permutation index of each puzzle. */
  readonly labels: Int32Array<ArrayBuffer>;
  /** [B, 9] 1 where the output slot shows a tile of another image (Jigsaw++), else 0. */
  readonly occluded: Uint8Array<ArrayBuffer>;
  /** [B] index in the image stack of each puzzle's image. */
  readonly imageIndices: Int32Array<ArrayBuffer>;
}

export interface PuzzleSamplerOptions {
  readonly images: ImageStack;
  readonly permutations: PermutationSet;
  readonly config?: PuzzleConfigInput;
}

export class PuzzleSampler {
  readonly images: ImageStack;
  readonly permutations: PermutationSet;
  readonly config: PuzzleConfig;
  readonly geometry: PuzzleGeometry;

  constructor(options: PuzzleSamplerOptions) {
    this.images = validateImageStack(options.images);
    this.permutations = options.permutations;
    this.config = parsePuzzleConfig(options.config);
    this.geometry = puzzleGeometry(Math.min(this.images.height, this.images.width), this.config.geometry);
  }

  /** Floats in one puzzle: 9 tiles × t × t × 3. */
  get puzzleLength(): number {
    return TILE_COUNT * this.geometry.tileSize * this.geometry.tileSize * OUTPUT_CHANNELS;
  }

  /**
   * The random draws of a batch, without rendering (for figures and tests). `permutationPool`: indices into the
   * set that the labels are drawn from (default: every member), e.g. the first phase of a permutation curriculum.
   */
  plan(imageIndices: ArrayLike<number>, seed: number, batchIndex: number, permutationPool?: ArrayLike<number>): PuzzlePlan[] {
    for (let i = 0; i < imageIndices.length; i++) {
      const index = imageIndices[i]!;
      if (!Number.isInteger(index) || index < 0 || index >= this.images.count) {
        throw new RangeError(`image index ${index} at batch position ${i} is outside 0..${this.images.count - 1}`);
      }
    }
    if (permutationPool) this.checkPool(permutationPool);
    const rng = new Xoshiro128(mixSeed(seed, batchIndex));
    const { height, width } = this.images;
    return drawBatchPlans(rng, imageIndices, this.geometry, height, width, permutationPool ?? this.permutations.size, this.config);
  }

  /** Samples batch `batchIndex` of the run `seed` from the given images (one puzzle per index); `permutationPool` as in `plan`. */
  sample(imageIndices: ArrayLike<number>, seed: number, batchIndex: number, permutationPool?: ArrayLike<number>): PuzzleBatch {
    if (imageIndices.length === 0) throw new Error('a puzzle batch needs at least one image index');
    const plans = this.plan(imageIndices, seed, batchIndex, permutationPool);
    const size = plans.length;
    const { tileSize } = this.geometry;
    const puzzleLength = this.puzzleLength;
    const tiles = new Float32Array(size * puzzleLength);
    const labels = new Int32Array(size);
    const occluded = new Uint8Array(size * TILE_COUNT);
    plans.forEach((plan, b) => {
      const order = permutationAt(this.permutations, plan.permutation);
      renderPuzzle(this.images, this.geometry, plan, order, tiles, b * puzzleLength);
      labels[b] = plan.permutation;
      for (let slot = 0; slot < TILE_COUNT; slot++) occluded[b * TILE_COUNT + slot] = plan.tiles[order[slot]!]!.occluding ? 1 : 0;
    });
    normaliseTiles(tiles, size * TILE_COUNT, tileSize * tileSize, OUTPUT_CHANNELS);
    return { batchIndex, size, tileSize, tiles, labels, occluded, imageIndices: Int32Array.from(imageIndices) };
  }

  private checkPool(pool: ArrayLike<number>): void {
    if (pool.length === 0) throw new Error('a permutation pool needs at least one member');
    for (let i = 0; i < pool.length; i++) {
      const index = pool[i]!;
      if (!Number.isInteger(index) || index < 0 || index >= this.permutations.size) {
        throw new RangeError(`permutation pool entry ${index} at position ${i} is outside 0..${this.permutations.size - 1}`);
      }
    }
  }
}
