import type { WorkerContext } from '../../trpc/worker-context';
import { insertMetricPoints } from '../../services/metric-ingest';
import { notifyRun } from '../../services/run-queue';
import { requireHeldRun, requireWorker } from '../../services/worker-access';
import { type LogMetricsInput, metricColumns } from './log-metrics.schema';

/**
 * Idempotent: a point is keyed by (run, key, step), so a batch re-sent after a lost response inserts only
 * what is missing. Returns how many points were new.
 */
export async function logMetricsHandler({ ctx, input }: { ctx: WorkerContext; input: LogMetricsInput }) {
  await requireWorker(ctx.db, ctx.token.id, input.workerId);
  await requireHeldRun(ctx.db, input.workerId, input.runId);
  const batch = metricColumns(input);
  const inserted = await insertMetricPoints(ctx.db, input.runId, batch);
  await notifyRun(ctx.db, input.runId, 'metrics', { keys: batch.map((columns) => columns.key) });
  return { inserted };
}
