/**
 * Empty clusters are refilled the way faiss does it: pick a cluster j with probability ∝ (n_j − 1), give the
 * empty cluster a copy of centroid j, push the two copies apart by a small symmetric relative perturbation,
 * and let them share j's points (so the next draw sees the halved sizes).
 */
import type { Xoshiro128Float53 } from '@ktlab/random';

/** Relative perturbation applied in opposite directions to the two copies (faiss uses 1/1024). */
export const SPLIT_PERTURBATION = 1 / 1024;

/**
 * Refills every cluster with counts[c] == 0 in place (centroids k×dims, counts k). Returns the number of
 * clusters refilled. If no cluster has two or more points, the empty ones are left as they are.
 */
export function splitEmptyClusters(
  centroids: Float32Array, counts: Float64Array, dims: number, random: Xoshiro128Float53,
): number {
  const k = counts.length;
  let splits = 0;
  for (let empty = 0; empty < k; empty++) {
    if (counts[empty] !== 0) continue;
    let totalWeight = 0;
    for (let j = 0; j < k; j++) totalWeight += Math.max(0, counts[j] - 1);
    if (totalWeight <= 0) break;
    let target = random.nextFloat() * totalWeight;
    let donor = -1;
    for (let j = 0; j < k; j++) {
      const weight = Math.max(0, counts[j] - 1);
      if (weight === 0) continue;
      donor = j;
      target -= weight;
      if (target < 0) break;
    }
    const to = empty * dims;
    const from = donor * dims;
    for (let p = 0; p < dims; p++) {
      const value = centroids[from + p];
      const sign = p % 2 === 0 ? 1 : -1;
      centroids[to + p] = value * (1 + sign * SPLIT_PERTURBATION);
      centroids[from + p] = value * (1 - sign * SPLIT_PERTURBATION);
    }
    counts[empty] = Math.floor(counts[donor] / 2);
    counts[donor] -= counts[empty];
    splits++;
  }
  return splits;
}
