import { TRPCError } from '@trpc/server';
import { pruneCheckpointCopiesOf, pruneShardFiles } from '../../artifacts/checkpoint-retention';
import { requireRunsAccess } from '../../services/access';
import { notifyRun } from '../../services/run-queue';
import type { UserContext } from '../../trpc/user-context';
import type { RunIdsInput } from './trash.schema';

/**
 * Soft delete: runs leave the table, the benchmark tables and compare, keeping their data until restored.
 * A queued or running run must be cancelled first, so deleting never silently stops work.
 */
export async function deleteRunsHandler({ ctx, input }: { ctx: UserContext; input: RunIdsInput }) {
  await requireRunsAccess(ctx.db, ctx.user.id, input.ids);
  const active = await ctx.db.run.findMany({ where: { id: { in: input.ids }, status: { in: ['queued', 'running'] } }, select: { name: true } });
  if (active.length) {
    throw new TRPCError({ code: 'BAD_REQUEST', message: `cancel ${active.map((r) => r.name).join(', ')} first: queued and running runs cannot be deleted` });
  }
  const { count } = await ctx.db.run.updateMany({ where: { id: { in: input.ids }, deletedAt: null }, data: { deletedAt: new Date() } });
  // a deleted run cannot run again: its checkpoint copy goes now (artifacts/checkpoint-retention.ts)
  await pruneCheckpointCopiesOf(ctx.db, input.ids);
  await pruneShardFiles(ctx.db, input.ids);
  for (const id of input.ids) await notifyRun(ctx.db, id, 'status');
  return { deleted: count };
}

export async function restoreRunsHandler({ ctx, input }: { ctx: UserContext; input: RunIdsInput }) {
  await requireRunsAccess(ctx.db, ctx.user.id, input.ids);
  const { count } = await ctx.db.run.updateMany({ where: { id: { in: input.ids }, deletedAt: { not: null } }, data: { deletedAt: null } });
  for (const id of input.ids) await notifyRun(ctx.db, id, 'status');
  return { restored: count };
}
