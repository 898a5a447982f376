import { z } from 'zod';

export const MAX_POINTS_PER_BATCH = 10_000;

const stepSchema = z.number().int().min(0).max(2 ** 31 - 1);
/** Any double, NaN and ±Infinity included (carried by superjson, stored as sent). */
// zod's number() refuses ±Infinity, so they are admitted explicitly (a diverging loss is data, not bad input)
const valueSchema = z.union([z.number(), z.nan(), z.literal(Number.POSITIVE_INFINITY), z.literal(Number.NEGATIVE_INFINITY)]);
const keySchema = z.string().trim().min(1).max(200);

export const metricPointSchema = z.object({
  key: keySchema,
  step: stepSchema,
  value: valueSchema,
  wallTime: z.date(),
});

/**
 * One key's points as parallel arrays: the wire form the trainer and the bench send. superjson annotates every
 * Date of a point object, which costs more than the insert itself at 100k points/s; plain number arrays do not.
 */
export const metricColumnsSchema = z
  .object({
    key: keySchema,
    steps: z.array(stepSchema),
    values: z.array(valueSchema),
    /** Milliseconds since the epoch (Date.getTime()). */
    wallTimes: z.array(z.number().finite()),
  })
  .superRefine((columns, ctx) => {
    if (columns.values.length !== columns.steps.length || columns.wallTimes.length !== columns.steps.length) {
      ctx.addIssue({
        code: 'custom',
        message: `steps, values and wallTimes must have one entry per point; got ${columns.steps.length}, ${columns.values.length} and ${columns.wallTimes.length}`,
      });
    }
  });
export type MetricColumns = z.infer<typeof metricColumnsSchema>;

export const logMetricsInput = z
  .object({
    workerId: z.string().min(1),
    runId: z.string().min(1),
    /** Points as objects (simple to write; fine for small batches). */
    points: z.array(metricPointSchema).max(MAX_POINTS_PER_BATCH).optional(),
    /** Points as one set of parallel arrays per key (fast on the wire). */
    series: z.array(metricColumnsSchema).max(MAX_POINTS_PER_BATCH).optional(),
  })
  .superRefine((input, ctx) => {
    const count = (input.points?.length ?? 0) + (input.series ?? []).reduce((n, columns) => n + columns.steps.length, 0);
    if (count === 0) ctx.addIssue({ code: 'custom', message: 'no points: send at least one, in `points` or `series`' });
    if (count > MAX_POINTS_PER_BATCH) ctx.addIssue({ code: 'custom', message: `${count} points in one batch; at most ${MAX_POINTS_PER_BATCH}` });
  });
export type LogMetricsInput = z.infer<typeof logMetricsInput>;

/** Both forms as columns, one entry per key (a key sent twice is merged). */
export function metricColumns(input: Pick<LogMetricsInput, 'points' | 'series'>): MetricColumns[] {
  const byKey = new Map<string, MetricColumns>();
  const of = (key: string) => {
    let columns = byKey.get(key);
    if (!columns) byKey.set(key, (columns = { key, steps: [], values: [], wallTimes: [] }));
    return columns;
  };
  for (const point of input.points ?? []) {
    const columns = of(point.key);
    columns.steps.push(point.step);
    columns.values.push(point.value);
    columns.wallTimes.push(point.wallTime.getTime());
  }
  for (const sent of input.series ?? []) {
    if (!byKey.has(sent.key)) {
      byKey.set(sent.key, sent);
      continue;
    }
    const columns = of(sent.key);
    columns.steps.push(...sent.steps);
    columns.values.push(...sent.values);
    columns.wallTimes.push(...sent.wallTimes);
  }
  return [...byKey.values()];
}
