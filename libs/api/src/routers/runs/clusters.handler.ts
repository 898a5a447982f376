import { TRPCError } from '@trpc/server';
import { clusterArtifactName } from '@ktlab/config';
import { readClusterSummary } from '../../artifacts/cluster-summary';
import { neighbourFigureRows } from '../../artifacts/neighbour-figure';
import { requireRunAccess } from '../../services/access';
import type { UserContext } from '../../trpc/user-context';
import type { RunClustersInput } from './clusters.schema';

/**
 * The cluster browser of a run: overall numbers, every cluster's size (for the histogram), and one page of
 * clusters with the artifact id of the sprite holding their nearest images. `available: false` when the run
 * has no cluster summary.
 */
export async function runClustersHandler({ ctx, input }: { ctx: UserContext; input: RunClustersInput }) {
  await requireRunAccess(ctx.db, ctx.user.id, input.runId);
  let summary;
  try {
    summary = await readClusterSummary(ctx.db, input.runId);
  } catch (cause) {
    throw new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: (cause as Error).message, cause });
  }
  if (!summary) return { available: false as const };
  const sprites = await ctx.db.artifact.findMany({
    where: { runId: input.runId, name: { in: summary.sprites.map(clusterArtifactName) } },
    select: { id: true, name: true },
  });
  const spriteIds = new Map(sprites.map((sprite) => [sprite.name, sprite.id]));
  const start = input.page * input.pageSize;
  const clusters = summary.clusters.slice(start, start + input.pageSize).map((cluster, index) => ({
    ...cluster,
    rank: start + index + 1,
    spriteArtifactId: spriteIds.get(clusterArtifactName(summary.sprites[cluster.sprite] ?? '')) ?? null,
  }));
  return {
    available: true as const,
    k: summary.k,
    images: summary.images,
    used: summary.used,
    sizeStats: summary.sizeStats,
    agreement: summary.agreement ?? null,
    labeled: summary.clusters.some((cluster) => cluster.majorityClass !== undefined),
    thumbSize: summary.thumbSize,
    perCluster: summary.perCluster,
    /** The clusters of the run's cluster-neighbours figure, one per row, top to bottom. */
    neighbourFigureRows: neighbourFigureRows(summary.clusters),
    /** Every non-empty cluster's size, largest first. */
    sizes: summary.clusters.map((cluster) => cluster.size),
    page: input.page,
    pageSize: input.pageSize,
    pages: Math.max(1, Math.ceil(summary.clusters.length / input.pageSize)),
    clusters,
  };
}
