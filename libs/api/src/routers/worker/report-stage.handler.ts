import type { WorkerContext } from '../../trpc/worker-context';
import { notifyRun } from '../../services/run-queue';
import { requireHeldRun, requireWorker } from '../../services/worker-access';
import type { ReportStageInput } from './report-stage.schema';

export async function reportStageHandler({ ctx, input }: { ctx: WorkerContext; input: ReportStageInput }) {
  await requireWorker(ctx.db, ctx.token.id, input.workerId);
  await requireHeldRun(ctx.db, input.workerId, input.runId);
  const where = { runId_kind: { runId: input.runId, kind: input.kind } };
  const existing = await ctx.db.stage.findUnique({ where, select: { status: true, message: true } });
  // A later attempt that restores a finished stage from its checkpoint reports it succeeded again. The run page
  // keeps what the attempt that computed the stage reported (its times, e.g. "12.3 s") and adds how it was reused.
  if (existing?.status === 'succeeded' && input.status === 'succeeded') {
    await ctx.db.stage.update({ where, data: { message: restoredStageMessage(existing.message, input.message) } });
    await notifyRun(ctx.db, input.runId, 'stage');
    return { ok: true };
  }
  const now = new Date();
  const finished = input.status === 'succeeded' || input.status === 'failed' || input.status === 'skipped';
  await ctx.db.stage.upsert({
    where,
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

/** "12.3 s" + "restored from checkpoint" → "12.3 s · restored from checkpoint", said once however often it happens. */
export function restoredStageMessage(computed: string | null, restored: string | undefined): string | null {
  if (!restored || computed === restored || computed?.endsWith(` · ${restored}`)) return computed ?? restored ?? null;
  return computed ? `${computed} · ${restored}` : restored;
}
