import { TILE_COUNT, type PermutationSet } from './permutation-set';

/** Number of slots at which two orders differ. */
export function hammingDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let distance = 0;
  for (let slot = 0; slot < TILE_COUNT; slot++) if (a[slot] !== b[slot]) distance++;
  return distance;
}

export interface HammingStats {
  /** Smallest pairwise distance: how hard the two most similar puzzles are to tell apart. */
  readonly min: number;
  readonly mean: number;
  readonly max: number;
}

/** Min / mean / max Hamming distance over all unordered pairs of the set (O(n²); 2000 perms ≈ 2M pairs). */
export function hammingStats(set: PermutationSet): HammingStats {
  if (set.size < 2) throw new Error(`Hamming statistics need at least 2 permutations, the set has ${set.size}`);
  const { orders, size } = set;
  let min = TILE_COUNT;
  let max = 0;
  let sum = 0;
  for (let i = 0; i < size; i++) {
    const a = orders.subarray(i * TILE_COUNT, (i + 1) * TILE_COUNT);
    for (let j = i + 1; j < size; j++) {
      const d = hammingDistance(a, orders.subarray(j * TILE_COUNT, (j + 1) * TILE_COUNT));
      sum += d;
      if (d < min) min = d;
      if (d > max) max = d;
    }
  }
  return { min, mean: sum / ((size * (size - 1)) / 2), max };
}
