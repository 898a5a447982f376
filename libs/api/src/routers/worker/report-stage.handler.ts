import type { WorkerContext } from '../../trpc/worker-context';
import { notifyRun } from '../../services/run-queue';
import { requireHeldRun, requireWorker } from '../../services/worker-access';
import type { ReportStageInput } from './report-stage.schema';

export async function reportStageHandler({ ctx, input }: { ctx: WorkerContext; input: ReportStageInput }) {
  await requireWorker(ctx.db, ctx.token.id, input.workerId);
  await requireHeldRun(ctx.db, input.workerId, input.runId);
  const now = new Date();
  const finished = input.status === 'succeeded' || input.status === 'failed' || input.status === 'skipped';
  await ctx.db.stage.upsert({
    where: { runId_kind: { runId: input.runId, kind: input.kind } },
    create: {
      runId: input.runId,
      kind: input.kind,
      ordinal: input.ordinal,
      status: input.status,
      progress: input.progress,
      message: input.message,
      startedAt: now,
      finishedAt: finished ? now : null,
    },
    update: {
      status: input.status,
      progress: input.progress,
      message: input.message,
      finishedAt: finished ? now : null,
      // A stage (re)starting from zero — e.g. in a resumed attempt — restarts its clock, so ETAs use this run of it.
      ...(input.status === 'running' && input.progress === 0 ? { startedAt: now } : {}),
    },
  });
  await notifyRun(ctx.db, input.runId, 'stage');
  return { ok: true };
}
