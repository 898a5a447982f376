import type { WorkerContext } from '../../trpc/worker-context';
import { notifyRun } from '../../services/run-queue';
import { requireHeldRun, requireWorker } from '../../services/worker-access';
import type { LogMetricsInput } from './log-metrics.schema';

/**
 * Idempotent: a point is keyed by (run, key, step), so a batch re-sent after a lost response inserts only
 * what is missing. Returns how many points were new. One statement per batch (unnest), and raw SQL because
 * Prisma's query validation refuses the NaN / ±Infinity values a diverging run produces.
 */
export async function logMetricsHandler({ ctx, input }: { ctx: WorkerContext; input: LogMetricsInput }) {
  await requireWorker(ctx.db, ctx.token.id, input.workerId);
  await requireHeldRun(ctx.db, input.workerId, input.runId);
  const keys = input.points.map((p) => p.key);
  const steps = input.points.map((p) => p.step);
  const values = input.points.map((p) => String(p.value));
  const wallTimes = input.points.map((p) => p.wallTime);
  const inserted = await ctx.db.$executeRaw`
    INSERT INTO "MetricPoint" ("runId", key, step, value, "wallTime")
    SELECT ${input.runId}, * FROM unnest(${keys}::text[], ${steps}::int[], ${values}::float8[], ${wallTimes}::timestamptz[])
    ON CONFLICT ("runId", key, step) DO NOTHING`;
  await notifyRun(ctx.db, input.runId, 'metrics', { keys: [...new Set(keys)] });
  return { inserted };
}
