/** Summary statistics of cluster sizes, reported every iteration. */
export interface ClusterSizeStats {
  min: number;
  median: number;
  max: number;
  /** faiss's imbalance factor k·Σn_j² / n²: 1 for perfectly equal sizes, k when one cluster holds everything. */
  imbalance: number;
  /** Clusters with no points. */
  empty: number;
}

export function clusterSizeStats(counts: ArrayLike<number>): ClusterSizeStats {
  const k = counts.length;
  if (k === 0) throw new RangeError('no clusters');
  const sorted = Float64Array.from(counts).sort();
  let total = 0;
  let squares = 0;
  let empty = 0;
  for (const count of sorted) {
    total += count;
    squares += count * count;
    if (count === 0) empty++;
  }
  const middle = k >> 1;
  const median = k % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { min: sorted[0], median, max: sorted[k - 1], imbalance: total > 0 ? (k * squares) / (total * total) : 0, empty };
}
