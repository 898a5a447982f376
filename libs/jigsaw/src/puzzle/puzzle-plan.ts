/**
 * All random choices of one puzzle, drawn before any pixel is touched. Keeping them apart from rendering
 * makes rendering a pure function of (images, geometry, plan) that tests can drive with chosen offsets.
 */
import type { Xoshiro128 } from '@ktlab/random';
import { TILE_COUNT } from '../permutations/permutation-set';
import { colourModeFor, type ColourMode } from './colour';
import { GRID, type PuzzleGeometry } from './geometry';
import { drawOcclusion } from './occlusion';
import type { PuzzleConfig } from './puzzle-config';

/** Where the tile of one original grid cell is cut from. */
export interface TileSource {
  /** Index of the image in the stack (the donor's index for an occluding tile). */
  readonly image: number;
  readonly cropY: number;
  readonly cropX: number;
  /** Cell (0..8, row-major) of that image's crop the tile is cut from. */
  readonly cell: number;
  readonly offsetY: number;
  readonly offsetX: number;
  /** Per output channel c: shifts[2c] (y) and shifts[2c + 1] (x), each 0..maxChannelShift. */
  readonly shifts: readonly number[];
  /** True when the tile comes from another image (Jigsaw++). */
  readonly occluding: boolean;
}

export interface PuzzlePlan {
  /** Label: index into the permutation set. */
  readonly permutation: number;
  readonly colour: ColourMode;
  /** Indexed by original grid cell. */
  readonly tiles: readonly TileSource[];
}

/**
 * Draws the plans of one batch. Order of draws (per puzzle, in batch order): crop y, crop x; per cell:
 * offset y, offset x, then (y, x) shift per channel; colour uniform; permutation; occlusion (count, cells,
 * donor); then, per occluded cell, the donor cell. The donor's crop is the donor puzzle's own crop.
 * `permutations`: the set's size (any member is drawn) or the member indices to draw from (a curriculum's subset).
 */
export function drawBatchPlans(
  rng: Xoshiro128,
  imageIndices: ArrayLike<number>,
  geometry: PuzzleGeometry,
  imageHeight: number,
  imageWidth: number,
  permutations: number | ArrayLike<number>,
  config: PuzzleConfig,
): PuzzlePlan[] {
  const batchSize = imageIndices.length;
  const plans: PuzzlePlan[] = [];
  const crops: { y: number; x: number }[] = [];
  for (let b = 0; b < batchSize; b++) {
    crops.push({ y: rng.nextInt(imageHeight - geometry.cropSize + 1), x: rng.nextInt(imageWidth - geometry.cropSize + 1) });
  }
  for (let b = 0; b < batchSize; b++) {
    const crop = crops[b]!;
    const tiles: TileSource[] = [];
    for (let cell = 0; cell < TILE_COUNT; cell++) {
      const offsetY = rng.nextInt(geometry.maxTileOffset + 1);
      const offsetX = rng.nextInt(geometry.maxTileOffset + 1);
      const shifts: number[] = [];
      for (let i = 0; i < 6; i++) shifts.push(rng.nextInt(geometry.maxChannelShift + 1));
      tiles.push({ image: imageIndices[b]!, cropY: crop.y, cropX: crop.x, cell, offsetY, offsetX, shifts, occluding: false });
    }
    const colour = colourModeFor(rng.nextFloat(), config.grayProbability, config.projectionProbability);
    const permutation = typeof permutations === 'number' ? rng.nextInt(permutations) : permutations[rng.nextInt(permutations.length)]!;
    const occlusion = drawOcclusion(rng, config.maxOccluded, batchSize, b);
    for (const cell of occlusion.cells) {
      const donorCrop = crops[occlusion.donor]!;
      tiles[cell] = {
        ...tiles[cell]!,
        image: imageIndices[occlusion.donor]!,
        cropY: donorCrop.y,
        cropX: donorCrop.x,
        cell: rng.nextInt(GRID * GRID),
        occluding: true,
      };
    }
    plans.push({ permutation, colour, tiles });
  }
  return plans;
}
