import type { Context } from '../../trpc/context';
import { metricSeries } from '../../services/downsample';
import type { MetricSeriesInput } from './metric-series.schema';

export function metricSeriesHandler({ ctx, input }: { ctx: Context; input: MetricSeriesInput }) {
  return metricSeries(ctx.db, input.runId, input.key, input.maxPoints);
}
