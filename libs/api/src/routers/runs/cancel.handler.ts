import { TRPCError } from '@trpc/server';
import { requireRunAccess } from '../../services/access';
import type { UserContext } from '../../trpc/user-context';
import { notifyRun } from '../../services/run-queue';
import type { RunIdInput } from './get.schema';

/** A queued run is cancelled at once; a running one is flagged and its worker stops at the next step. */
export async function cancelRunHandler({ ctx, input }: { ctx: UserContext; input: RunIdInput }) {
  await requireRunAccess(ctx.db, ctx.user.id, input.id);
  const queued = await ctx.db.run.updateMany({
    where: { id: input.id, status: 'queued' },
    data: { status: 'cancelled', cancelRequested: true, finishedAt: new Date() },
  });
  if (queued.count === 1) {
    await notifyRun(ctx.db, input.id, 'status', { status: 'cancelled' });
    return { status: 'cancelled' as const };
  }
  const running = await ctx.db.run.updateMany({
    where: { id: input.id, status: 'running' },
    data: { cancelRequested: true },
  });
  if (running.count === 1) {
    await notifyRun(ctx.db, input.id, 'status', { status: 'running' });
    return { status: 'cancelling' as const };
  }
  const run = await ctx.db.run.findUnique({ where: { id: input.id }, select: { status: true } });
  if (!run) throw new TRPCError({ code: 'NOT_FOUND', message: `run ${input.id} not found` });
  throw new TRPCError({ code: 'BAD_REQUEST', message: `run ${input.id} already ended (${run.status})` });
}
