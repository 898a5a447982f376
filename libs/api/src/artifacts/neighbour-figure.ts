/**
 * Which clusters the pipeline's cluster-neighbours figure shows, one per row: `rows` clusters evenly spaced in
 * size order (largest first), as libs/pipeline/src/figures.ts (clusterNeighboursFigure) picks them. The cluster
 * summary lists the non-empty clusters in that same order (size, then id), so the rows can be named from it.
 */
export function neighbourFigureRows<T extends { id: number; size: number }>(clustersBySize: readonly T[], rows = 12): { id: number; rank: number; size: number }[] {
  const step = Math.max(1, Math.floor(clustersBySize.length / rows));
  return clustersBySize
    .map((cluster, index) => ({ id: cluster.id, rank: index + 1, size: cluster.size }))
    .filter((_, index) => index % step === 0)
    .slice(0, rows);
}
