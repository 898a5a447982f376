/**
 * Puts the tiles of a shuffled puzzle back in grid order using its permutation: slot s holds cell order[s],
 * so cell order[s] is recovered from slot s. Inverse of the sampler's shuffle.
 */
import { TILE_COUNT } from '../permutations/permutation-set';

export function unshufflePuzzle(puzzle: Float32Array, order: ArrayLike<number>): Float32Array {
  if (puzzle.length % TILE_COUNT !== 0) throw new Error(`a puzzle holds 9 equal tiles; ${puzzle.length} values do not split in 9`);
  const tileLength = puzzle.length / TILE_COUNT;
  const grid = new Float32Array(puzzle.length);
  for (let slot = 0; slot < TILE_COUNT; slot++) {
    grid.set(puzzle.subarray(slot * tileLength, (slot + 1) * tileLength), order[slot]! * tileLength);
  }
  return grid;
}
