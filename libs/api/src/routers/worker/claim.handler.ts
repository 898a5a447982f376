import { runConfigSchema } from '@ktlab/config';
import type { WorkerContext } from '../../trpc/worker-context';
import { lastMetricSteps } from '../../services/metric-ingest';
import { claimNextRun } from '../../services/run-queue';
import { requireWorker } from '../../services/worker-access';
import type { ClaimInput } from './claim.schema';

/** The next queued run (or null), with its stages so a re-claimed run resumes where it stopped. */
export async function claimHandler({ ctx, input }: { ctx: WorkerContext; input: ClaimInput }) {
  await requireWorker(ctx.db, ctx.token.id, input.workerId);
  const run = await claimNextRun(ctx.db, input.workerId);
  if (!run) return null;
  const stages = await ctx.db.stage.findMany({ where: { runId: run.id }, orderBy: { ordinal: 'asc' } });
  return {
    id: run.id,
    name: run.name,
    method: run.method,
    attempt: run.attempt,
    config: runConfigSchema.parse(run.config),
    stages: stages.map((s) => ({ kind: s.kind, status: s.status, progress: s.progress })),
    lastMetricSteps: await lastMetricSteps(ctx.db, run.id),
  };
}
