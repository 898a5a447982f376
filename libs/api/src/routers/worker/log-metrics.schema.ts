import { z } from 'zod';

export const MAX_POINTS_PER_BATCH = 10_000;

export const metricPointSchema = z.object({
  key: z.string().trim().min(1).max(200),
  step: z.number().int().min(0).max(2 ** 31 - 1),
  /** Any double, NaN and ±Infinity included (carried by superjson, stored as sent). */
  // zod's number() refuses ±Infinity, so they are admitted explicitly (a diverging loss is data, not bad input)
  value: z.union([z.number(), z.nan(), z.literal(Number.POSITIVE_INFINITY), z.literal(Number.NEGATIVE_INFINITY)]),
  wallTime: z.date(),
});

export const logMetricsInput = z.object({
  workerId: z.string().min(1),
  runId: z.string().min(1),
  points: z.array(metricPointSchema).min(1).max(MAX_POINTS_PER_BATCH),
});
export type LogMetricsInput = z.infer<typeof logMetricsInput>;
