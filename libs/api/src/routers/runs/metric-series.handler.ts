import { requireRunAccess } from '../../services/access';
import { metricSeries } from '../../services/downsample';
import type { UserContext } from '../../trpc/user-context';
import type { MetricSeriesInput } from './metric-series.schema';

export async function metricSeriesHandler({ ctx, input }: { ctx: UserContext; input: MetricSeriesInput }) {
  await requireRunAccess(ctx.db, ctx.user.id, input.runId);
  return metricSeries(ctx.db, input.runId, input.key, input.maxPoints);
}
