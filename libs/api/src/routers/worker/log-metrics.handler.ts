import type { WorkerContext } from '../../trpc/worker-context';
import { insertMetricPoints } from '../../services/metric-ingest';
import { requireWorkerHoldingRun } from '../../services/worker-access';
import type { LogMetricsInput } from './log-metrics.schema';

/**
 * Idempotent: a point is keyed by (run, key, step), so a batch re-sent after a lost response inserts only
 * what is missing. Returns how many points were new. The input is already one set of columns per key, from
 * the binary form or the JSON forms (log-metrics.schema.ts).
 */
export async function logMetricsHandler({ ctx, input }: { ctx: WorkerContext; input: LogMetricsInput }) {
  await requireWorkerHoldingRun(ctx.db, ctx.token.id, input.workerId, input.runId);
  const inserted = await insertMetricPoints(ctx.db, input.runId, input.series);
  return { inserted };
}
