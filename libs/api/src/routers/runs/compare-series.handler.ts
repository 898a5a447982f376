import { sharedMetrics } from '../../compare/shared-metrics';
import { requireRunsAccess } from '../../services/access';
import { downsampledSeries } from '../../services/downsample';
import { metricKeySummariesOfRuns } from '../../services/metric-keys';
import type { UserContext } from '../../trpc/user-context';
import type { CompareSeriesInput } from './compare-series.schema';

/**
 * The curves of Compare in one answer: for each key the runs share (the curve keys of runs.compare), every run's
 * series downsampled to at most `maxPoints` buckets, as columns of first steps and means (what the overlay draws).
 * It needs only the run ids, so the page asks for it together with runs.compare instead of after it, and all the
 * series are read by one query (services/downsample.ts), however many runs and keys.
 */
export async function compareSeriesHandler({ ctx, input }: { ctx: UserContext; input: CompareSeriesInput }) {
  const ids = [...new Set(input.ids)];
  await requireRunsAccess(ctx.db, ctx.user.id, ids);
  const { curveKeys } = sharedMetrics(await metricKeySummariesOfRuns(ctx.db, ids));
  const series = await downsampledSeries(
    ctx.db,
    curveKeys.flatMap((key) => ids.map((runId) => ({ runId, key }))),
    input.maxPoints,
  );
  return {
    maxPoints: input.maxPoints,
    curves: curveKeys.map((key, k) => ({
      key,
      runs: series.slice(k * ids.length, (k + 1) * ids.length).map(({ runId, total, downsampled, steps, values }) => ({ runId, total, downsampled, steps, values })),
    })),
  };
}
