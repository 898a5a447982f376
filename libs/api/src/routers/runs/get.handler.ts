import { TRPCError } from '@trpc/server';
import { describeTestSets } from '../../compare/test-set';
import { requireRunAccess } from '../../services/access';
import { metricKeySummaries } from '../../services/metric-keys';
import type { UserContext } from '../../trpc/user-context';
import { queuePosition, waitingFor } from '../../services/run-queue';
import type { RunIdInput } from './get.schema';

export async function getRunHandler({ ctx, input }: { ctx: UserContext; input: RunIdInput }) {
  await requireRunAccess(ctx.db, ctx.user.id, input.id);
  const run = await ctx.db.run.findUnique({
    where: { id: input.id },
    include: {
      stages: { orderBy: { ordinal: 'asc' } },
      evalResults: { orderBy: [{ protocol: 'asc' }, { layer: 'asc' }] },
      claimedBy: { select: { name: true, host: true, backend: true } },
      project: { select: { slug: true, name: true } },
      artifacts: { where: { kind: { notIn: ['checkpoint', 'shard'] } }, orderBy: { name: 'asc' }, select: { id: true, name: true, kind: true, bytes: true, createdAt: true } },
    },
  });
  if (!run) throw new TRPCError({ code: 'NOT_FOUND', message: `run ${input.id} not found` });
  const [keys, datasets] = await Promise.all([
    metricKeySummaries(ctx.db, run.id),
    ctx.db.dataset.findMany({ where: { projectId: run.projectId }, select: { name: true, location: true, imageCount: true } }),
  ]);
  const artifacts = run.artifacts.map((artifact) => ({ ...artifact, bytes: Number(artifact.bytes) }));
  return {
    ...run,
    artifacts,
    metricKeys: keys.map((row) => row.key),
    /** Metrics logged once (final values): the run page shows them as a table rather than one-point charts. */
    singleValues: keys.filter((row) => row.points === 1).map((row) => ({ key: row.key, value: row.last })),
    /** The eval results' test sets by registered name, with their sizes. */
    testSets: describeTestSets(run.evalResults.map((result) => result.dataset), datasets),
    queuePosition: await queuePosition(ctx.db, run),
    /** Set while no live worker can claim the queued run: the worker it waits for, e.g. "a GPU worker". */
    waitingFor: (await waitingFor(ctx.db, run)) ?? null,
  };
}
