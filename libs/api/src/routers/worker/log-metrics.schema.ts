import { z } from 'zod';
import { decodeMetricBatch, type EncodedMetricBatch, type MetricBatch, type MetricColumnsLike } from './metric-batch';
import { keySchema, MAX_POINTS_PER_BATCH, stepSchema, valueSchema, wallTimeMsSchema } from './metric-fields';

export { MAX_POINTS_PER_BATCH };

export const metricPointSchema = z.object({
  key: keySchema,
  step: stepSchema,
  value: valueSchema,
  wallTime: z.date(),
});

/**
 * One key's points as parallel arrays in JSON: the form trainers sent before the binary one (metric-batch.ts),
 * still taken. superjson annotates every Date of a point object; plain number arrays it does not.
 */
export const metricColumnsSchema = z
  .object({
    key: keySchema,
    steps: z.array(stepSchema),
    values: z.array(valueSchema),
    /** Milliseconds since the epoch (Date.getTime()). */
    wallTimes: z.array(wallTimeMsSchema),
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

/** The JSON forms of a batch: point objects and/or columns. */
export const logMetricsJsonInput = z
  .object({
    workerId: z.string().min(1),
    runId: z.string().min(1),
    /** Points as objects (simple to write; fine for small batches). */
    points: z.array(metricPointSchema).max(MAX_POINTS_PER_BATCH).optional(),
    /** Points as one set of parallel arrays per key. */
    series: z.array(metricColumnsSchema).max(MAX_POINTS_PER_BATCH).optional(),
  })
  .superRefine((input, ctx) => {
    const count = (input.points?.length ?? 0) + (input.series ?? []).reduce((n, columns) => n + columns.steps.length, 0);
    if (count === 0) ctx.addIssue({ code: 'custom', message: 'no points: send at least one, in `points` or `series`' });
    if (count > MAX_POINTS_PER_BATCH) ctx.addIssue({ code: 'custom', message: `${count} points in one batch; at most ${MAX_POINTS_PER_BATCH}` });
  });
export type LogMetricsJsonInput = z.input<typeof logMetricsJsonInput>;

/** Columns one entry per key: a key sent twice (in objects, columns or both) is merged, in the order sent. */
export function mergeColumnsByKey(input: { points?: readonly { key: string; step: number; value: number; wallTime: Date }[]; series?: readonly MetricColumnsLike[] }): MetricColumnsLike[] {
  const byKey = new Map<string, MetricColumnsLike>();
  const merged = new Set<string>();
  const growable = (key: string) => {
    let columns = byKey.get(key);
    if (!columns) {
      byKey.set(key, (columns = { key, steps: [], values: [], wallTimes: [] }));
    } else if (!merged.has(key)) {
      // a key's first columns were taken as sent; copied once to append to them
      byKey.set(key, (columns = { key, steps: Array.from(columns.steps), values: Array.from(columns.values), wallTimes: Array.from(columns.wallTimes) }));
    }
    merged.add(key);
    return columns as { key: string; steps: number[]; values: number[]; wallTimes: number[] };
  };
  for (const point of input.points ?? []) {
    const columns = growable(point.key);
    columns.steps.push(point.step);
    columns.values.push(point.value);
    columns.wallTimes.push(point.wallTime.getTime());
  }
  for (const sent of input.series ?? []) {
    if (!byKey.has(sent.key)) {
      byKey.set(sent.key, sent);
      continue;
    }
    const columns = growable(sent.key);
    for (let i = 0; i < sent.steps.length; i++) {
      columns.steps.push(sent.steps[i]);
      columns.values.push(sent.values[i]);
      columns.wallTimes.push(sent.wallTimes[i]);
    }
  }
  return [...byKey.values()];
}

/** Both JSON forms as columns, one entry per key (a key sent twice is merged). */
export function metricColumns(input: Pick<z.output<typeof logMetricsJsonInput>, 'points' | 'series'>): MetricColumnsLike[] {
  return mergeColumnsByKey(input);
}

const isByteStream = (value: object): value is ReadableStream<Uint8Array> => typeof (value as ReadableStream).getReader === 'function';

/**
 * `worker.logMetrics`' input: the binary form (encodeMetricBatch; over HTTP an `application/octet-stream` body,
 * which reaches the parser as a stream) or the JSON forms, every field checked either way; out comes the batch
 * as columns, one entry per key.
 */
export const logMetricsInput = z
  .custom<LogMetricsJsonInput | EncodedMetricBatch>((value) => typeof value === 'object' && value !== null, {
    message: 'expected a metric batch: an object, or its binary form (encodeMetricBatch)',
  })
  .transform(async (value, ctx): Promise<MetricBatch> => {
    if (value instanceof Uint8Array || isByteStream(value)) {
      const bytes = value instanceof Uint8Array ? value : new Uint8Array(await new Response(value).arrayBuffer());
      const decoded = decodeMetricBatch(bytes);
      if (!decoded.ok) {
        for (const issue of decoded.issues) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
        return z.NEVER;
      }
      return { ...decoded.batch, series: mergeColumnsByKey({ series: decoded.batch.series }) };
    }
    const parsed = logMetricsJsonInput.safeParse(value);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
      return z.NEVER;
    }
    return { workerId: parsed.data.workerId, runId: parsed.data.runId, series: metricColumns(parsed.data) };
  });
export type LogMetricsInput = z.output<typeof logMetricsInput>;
