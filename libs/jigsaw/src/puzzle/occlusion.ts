/** Jigsaw++ occlusion draws: which cells of a puzzle are replaced, and by which other image of the batch. */
import type { Xoshiro128 } from '@ktlab/random';
import { TILE_COUNT } from '../permutations/permutation-set';

export interface OcclusionDraw {
  /** Original grid cells (0..8) whose tiles come from the donor; empty for an intact puzzle. */
  readonly cells: readonly number[];
  /** Batch position of the donor image (never the puzzle's own position); -1 when no cell is replaced. */
  readonly donor: number;
}

const INTACT: OcclusionDraw = { cells: [], donor: -1 };

/** Count uniform in 0..maxOccluded, distinct cells uniformly at random, donor uniform among the others. */
export function drawOcclusion(rng: Xoshiro128, maxOccluded: number, batchSize: number, position: number): OcclusionDraw {
  if (maxOccluded === 0) return INTACT;
  if (batchSize < 2) throw new Error('Jigsaw++ occlusion needs at least 2 images per batch (tiles come from another image)');
  const count = rng.nextInt(maxOccluded + 1);
  if (count === 0) return INTACT;
  const pool = Array.from({ length: TILE_COUNT }, (_, i) => i);
  for (let i = 0; i < count; i++) {
    const j = i + rng.nextInt(TILE_COUNT - i);
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  let donor = rng.nextInt(batchSize - 1);
  if (donor >= position) donor++;
  return { cells: pool.slice(0, count), donor };
}
