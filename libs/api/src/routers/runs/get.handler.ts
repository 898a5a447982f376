import { TRPCError } from '@trpc/server';
import { requireRunAccess } from '../../services/access';
import { metricKeys } from '../../services/metric-ingest';
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
      artifacts: { where: { kind: { not: 'checkpoint' } }, orderBy: { name: 'asc' }, select: { id: true, name: true, kind: true, bytes: true, createdAt: true } },
    },
  });
  if (!run) throw new TRPCError({ code: 'NOT_FOUND', message: `run ${input.id} not found` });
  const keys = await metricKeys(ctx.db, [run.id]);
  const artifacts = run.artifacts.map((artifact) => ({ ...artifact, bytes: Number(artifact.bytes) }));
  return {
    ...run,
    artifacts,
    metricKeys: keys.map((row) => row.key),
    queuePosition: await queuePosition(ctx.db, run),
    /** Set while no live worker can claim the queued run: the worker it waits for, e.g. "a GPU worker". */
    waitingFor: (await waitingFor(ctx.db, run)) ?? null,
  };
}
