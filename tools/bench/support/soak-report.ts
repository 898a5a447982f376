/**
 * Pure helpers of `npm run bench -- soak`: reading the metric points out of the trainers' `worker.logMetrics`
 * requests (as the bench's pass-through proxy sees them), the ledger of every point sent, and the summary of
 * attempts and outcomes the report prints.
 */
import superjson from 'superjson';
import { z } from 'zod';
import { decodeMetricBatch } from '@ktlab/api/metric-batch';
import type { IngestVerdict } from './ingest-plan';

/** tRPC path of the call whose points the ledger records. */
export const LOG_METRICS_PATH = '/api/trpc/worker.logMetrics';

// any double: NaN and ±Infinity are data (a diverging loss), which z.number() would refuse
const anyDouble = z.custom<number>((value) => typeof value === 'number', 'a number');

const step = z.number().int().min(0);
/** Points as objects (`points`) and/or as parallel arrays per key (`series`, what the trainer sends). */
const logMetricsRequest = z
  .object({
    runId: z.string().min(1),
    points: z.array(z.object({ key: z.string().min(1), step, value: anyDouble })).optional(),
    series: z
      .array(z.object({ key: z.string().min(1), steps: z.array(step), values: z.array(anyDouble) }))
      .refine((series) => series.every((s) => s.steps.length === s.values.length), 'steps and values of a key must have the same length')
      .optional(),
  })
  .refine((request) => request.points !== undefined || request.series !== undefined, 'neither points nor series');

export interface MetricBatch {
  runId: string;
  points: { key: string; step: number; value: number }[];
}

const isBinaryBatch = (body: Uint8Array) => body.byteLength >= 4 && Buffer.from(body.buffer, body.byteOffset, 4).toString('latin1') === 'KTMB';

/**
 * A `worker.logMetrics` request body as a trainer's tRPC client sends it: the binary batch (encodeMetricBatch,
 * what the trainer sends) or JSON + superjson (objects or columns, what older trainers sent).
 */
export function parseLogMetricsBody(body: Uint8Array | string): MetricBatch {
  if (typeof body !== 'string' && isBinaryBatch(body)) {
    const decoded = decodeMetricBatch(body);
    if (!decoded.ok) throw new Error(`not a metric batch: ${decoded.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
    const { runId, series } = decoded.batch;
    return { runId, points: series.flatMap(({ key, steps, values }) => Array.from(steps, (step, i) => ({ key, step, value: values[i] }))) };
  }
  const text = typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  const wire = z.object({ json: z.unknown(), meta: z.any().optional() }).parse(JSON.parse(text));
  const request = logMetricsRequest.parse(superjson.deserialize(wire as Parameters<typeof superjson.deserialize>[0]));
  const fromSeries = (request.series ?? []).flatMap(({ key, steps, values }) => steps.map((s, i) => ({ key, step: s, value: values[i] })));
  return { runId: request.runId, points: [...(request.points ?? []), ...fromSeries] };
}

export interface SentPoint {
  runId: string;
  key: string;
  step: number;
  /** The value of the first send. */
  value: number;
}

const sameValue = (a: number, b: number) => Object.is(a, b) || a === b;

/** Every distinct (run, key, step) the trainers sent, how often points were sent again, and with what. */
export class SentLedger {
  private readonly sent = new Map<string, SentPoint>();
  /** Point sends beyond the first of their (run, key, step): a retried batch, a replayed step. */
  resent = 0;
  /** Of those, sends whose value differs from the first one's (a replay that computed something else). */
  conflicting = 0;
  /** Repeated sends per metric key, to tell a retried batch from a job that logs a step twice. */
  readonly resentByKey = new Map<string, number>();

  record(batch: MetricBatch): void {
    for (const { key, step, value } of batch.points) {
      const id = `${batch.runId}\u0000${key}\u0000${step}`;
      const first = this.sent.get(id);
      if (!first) {
        this.sent.set(id, { runId: batch.runId, key, step, value });
        continue;
      }
      this.resent++;
      this.resentByKey.set(key, (this.resentByKey.get(key) ?? 0) + 1);
      if (!sameValue(first.value, value)) this.conflicting++;
    }
  }

  get size(): number {
    return this.sent.size;
  }

  points(): SentPoint[] {
    return [...this.sent.values()];
  }
}

export interface AttemptsSummary {
  max: number;
  /** Runs per attempt count, ascending: `[[1, 18], [2, 2]]`. */
  distribution: Array<[attempt: number, runs: number]>;
}

export function summarizeAttempts(attempts: readonly number[]): AttemptsSummary {
  const counts = new Map<number, number>();
  for (const attempt of attempts) counts.set(attempt, (counts.get(attempt) ?? 0) + 1);
  return { max: attempts.length ? Math.max(...attempts) : 0, distribution: [...counts].sort(([a], [b]) => a - b) };
}

/** `1 attempt: 18 runs, 2 attempts: 2 runs`. */
export const attemptsLine = (summary: AttemptsSummary): string =>
  summary.distribution.map(([attempt, runs]) => `${attempt} attempt${attempt === 1 ? '' : 's'}: ${runs} run${runs === 1 ? '' : 's'}`).join(', ') || 'no runs';

export interface SoakOutcome {
  launched: number;
  /** Final status of each launched run. */
  statuses: readonly string[];
  attempts: AttemptsSummary;
  points: IngestVerdict;
  /** Sends of a point whose value differed from its first send. */
  conflictingResends: number;
  /** Set when the overall timeout ended the wait. */
  timedOut: boolean;
}

/** Why the soak failed; empty when it passed. Attempts above 1 are reported, not failed: the line `max_attempts` says it. */
export function soakFailures(outcome: SoakOutcome): string[] {
  const failures: string[] = [];
  const notSucceeded = outcome.statuses.filter((status) => status !== 'succeeded').length;
  if (outcome.timedOut) failures.push(`timed out with ${notSucceeded} of ${outcome.launched} runs unfinished or not succeeded`);
  else if (notSucceeded) failures.push(`${notSucceeded} of ${outcome.launched} runs did not succeed (${countBy(outcome.statuses)})`);
  if (outcome.statuses.length !== outcome.launched) failures.push(`${outcome.launched} runs launched, ${outcome.statuses.length} found`);
  if (outcome.points.planned === 0) failures.push('no metric point was sent');
  if (outcome.points.lost) failures.push(`${outcome.points.lost} metric point(s) sent but not stored`);
  if (outcome.points.duplicated) failures.push(`${outcome.points.duplicated} metric point(s) stored more than once`);
  if (outcome.points.unexpected) failures.push(`${outcome.points.unexpected} stored point(s) no trainer sent, or with another value`);
  if (outcome.conflictingResends) failures.push(`${outcome.conflictingResends} re-sent point(s) carried another value than their first send`);
  return failures;
}

/** `succeeded 18, failed 2`. */
export function countBy(values: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].map(([value, n]) => `${value} ${n}`).join(', ');
}

/** `rest` spread evenly among `main`, order kept within each: interleave([a, b, c, d], [x, y]) → a, b, x, c, d, y. */
export function interleave<T>(main: readonly T[], rest: readonly T[]): T[] {
  const out: T[] = [];
  let placed = 0;
  for (const [i, item] of main.entries()) {
    out.push(item);
    // after main item i, every rest item whose even share of the main list has been passed
    while (placed < rest.length && (placed + 1) * main.length <= (i + 1) * rest.length) out.push(rest[placed++]!);
  }
  while (placed < rest.length) out.push(rest[placed++]!);
  return out;
}
