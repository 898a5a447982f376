import { z } from 'zod';

export const metricSeriesInput = z.object({
  runId: z.string().min(1).max(64),
  key: z.string().min(1).max(200),
  maxPoints: z.number().int().min(10).max(20_000).default(2000),
});
export type MetricSeriesInput = z.infer<typeof metricSeriesInput>;
