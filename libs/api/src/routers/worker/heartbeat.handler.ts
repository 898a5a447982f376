import type { WorkerContext } from '../../trpc/worker-context';
import { renewLease } from '../../services/run-queue';
import { requireWorker } from '../../services/worker-access';
import type { HeartbeatInput } from './heartbeat.schema';

export async function heartbeatHandler({ ctx, input }: { ctx: WorkerContext; input: HeartbeatInput }) {
  await requireWorker(ctx.db, ctx.token.id, input.workerId);
  await ctx.db.worker.update({ where: { id: input.workerId }, data: { lastHeartbeat: new Date() } });
  if (!input.runId) return { holdsRun: false, cancelRequested: false };
  const holdsRun = await renewLease(ctx.db, input.workerId, input.runId);
  const run = await ctx.db.run.findUnique({ where: { id: input.runId }, select: { cancelRequested: true } });
  return { holdsRun, cancelRequested: run?.cancelRequested ?? true };
}
